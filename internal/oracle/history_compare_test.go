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

// TestCompareMergedSteps: two stages that start alike make the same
// operations; BuildKit solves them once and reports one line. The other
// line, forecast to re-run, is compared through its twin; a line of a
// stage on another base is not.
func TestCompareMergedSteps(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM node AS a\nCOPY p.json .\nRUN x\nFROM node AS b\nCOPY p.json .\nRUN y\nFROM python AS c\nCOPY p.json .\n"))
	fc := cachehistory.CommitResult{Doc: doc, Steps: cache.Predict(cache.Input{Doc: doc}, cache.Change{Paths: []string{"p.json"}})}
	for i := range fc.Steps {
		fc.Steps[i].Status = cache.ReRun
	}
	steps := []StepResult{
		{Line: 2, Stage: "a", Name: "COPY p.json ."}, // reported under line 5
		{Line: 3, Stage: "a", Name: "RUN x", Ran: true},
		{Line: 5, Stage: "b", Name: "COPY p.json .", Ran: true},
		{Line: 6, Stage: "b", Name: "RUN y", Ran: true},
		{Line: 8, Stage: "c", Name: "COPY p.json ."}, // another base: no twin
	}
	var errs errorCount
	var a agreement
	compareSteps(&errs, "0123456789abcdef", fc, steps, &a)
	if a.merged != 1 || a.reran != 4 || a.disagree != 1 || errs != 1 {
		t.Errorf("got %+v and %d errors; want line 2 merged with line 5, line 8 contradicted", a, errs)
	}
}
