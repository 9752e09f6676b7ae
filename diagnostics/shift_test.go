package diagnostics

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func TestShift(t *testing.T) {
	sp := func(a, b int) dockerfile.Span { return dockerfile.Span{Start: a, End: b} }
	fs := []Finding{
		{Rule: "before", Span: sp(0, 5)},
		{Rule: "touched", Span: sp(8, 12)},
		{Rule: "after", Span: sp(20, 25), Related: []Related{{Span: sp(9, 10)}, {Span: sp(30, 31)}}},
	}
	got := Shift(fs, dockerfile.Edit{Start: 10, End: 11, Text: "abc"}) // +2 bytes
	if len(got) != 2 || got[0].Rule != "before" || got[1].Rule != "after" {
		t.Fatalf("kept %+v", got)
	}
	if got[1].Span != sp(22, 27) {
		t.Errorf("shifted span %v", got[1].Span)
	}
	if len(got[1].Related) != 1 || got[1].Related[0].Span != sp(32, 33) {
		t.Errorf("related %+v", got[1].Related)
	}
	if fs[2].Span != sp(20, 25) {
		t.Error("Shift modified its input")
	}
}

func TestExperimentalChecksNeedOptIn(t *testing.T) {
	text := "# Some text that is not a description\nFROM scratch AS base\nCOPY a /a\n"
	for _, c := range []struct {
		text string
		want bool
	}{{text, false}, {"# check=experimental=all\n" + text, true}} {
		found := false
		for _, f := range BuildKitChecks(t.Context(), dockerfile.Parse([]byte(c.text)), BuildKitOptions{}) {
			found = found || f.Rule == "InvalidDefinitionDescription"
		}
		if found != c.want {
			t.Errorf("%q: InvalidDefinitionDescription reported %v, want %v", c.text, found, c.want)
		}
	}
}

// BuildKit's "did you mean" picks among ties in map order; ours is stable.
func TestStableSuggestion(t *testing.T) {
	for i := 0; i < 20; i++ {
		for text, want := range map[string]string{
			"rm -rf /tmp": "unknown instruction: rm (did you mean run?)",
			"R echo":      "unknown instruction: R (did you mean RUN?)",
		} {
			fs, _ := Analyze(dockerfile.Parse([]byte("FROM alpine:3.19\n"+text+"\n")), nil)
			if len(fs) != 1 || fs[0].Message != want {
				t.Fatalf("%q: %+v", text, fs)
			}
		}
	}
}
