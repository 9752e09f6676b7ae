package oracle

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// errorCount counts the errors reported to it.
type errorCount int

func (e *errorCount) Errorf(string, ...any) { *e++ }

// TestCompareSteps: the replay's comparison counts agreement, counts
// depends apart with BuildKit's outcome, and fails on a forecast BuildKit
// contradicts.
func TestCompareSteps(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM alpine AS a\nCOPY . /\nRUN x\nFROM alpine\nRUN z\nCOPY --from=a /x /x\n"))
	fc := cachehistory.CommitResult{Steps: cache.Predict(cache.Input{Doc: doc}, cache.Change{Paths: []string{"f"}})}
	var agreeing, contradicting []StepResult
	want := map[cache.Status]int{}
	for _, s := range fc.Steps {
		want[s.Status]++
		ran := s.Status == cache.ReRun
		agreeing = append(agreeing, StepResult{Line: s.Line(), Ran: ran, Cached: !ran})
		if s.Status != cache.Depends {
			contradicting = append(contradicting, StepResult{Line: s.Line(), Ran: !ran, Cached: ran})
		}
	}
	if want[cache.ReRun] == 0 || want[cache.Cached] == 0 || want[cache.Depends] == 0 {
		t.Fatalf("want a forecast with each status, got %v", want)
	}
	var a agreement
	compareSteps(t, "0123456789abcdef", fc, agreeing, &a)
	if a.reran != want[cache.ReRun] || a.cached != want[cache.Cached] || a.depends != want[cache.Depends] || a.dependsCached != a.depends || a.disagree != 0 {
		t.Errorf("agreeing steps counted %+v, want %v", a, want)
	}
	var other errorCount
	var b agreement
	compareSteps(&other, "0123456789abcdef", fc, contradicting, &b)
	if b.disagree != len(contradicting) || int(other) != len(contradicting) {
		t.Errorf("a contradicted forecast: %+v, %d errors", b, other)
	}
}
