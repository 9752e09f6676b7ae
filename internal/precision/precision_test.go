package precision

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func TestParseLabels(t *testing.T) {
	labels, err := ParseLabels("x.labels", []byte("# blind pass\nwant 12 CopyBeforeInstall # COPY . . first\n\nwant 3 - # no -y\nnot 20 HeavyBaseImage # (second pass) needs the JDK\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Label{
		{Want, 12, "CopyBeforeInstall", "COPY . . first"},
		{Want, 3, NoRule, "no -y"},
		{Not, 20, "HeavyBaseImage", "(second pass) needs the JDK"},
	}
	if len(labels) != len(want) {
		t.Fatalf("got %d labels, want %d: %+v", len(labels), len(want), labels)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Errorf("label %d = %+v, want %+v", i, labels[i], want[i])
		}
	}
}

func TestParseLabelsRejects(t *testing.T) {
	for _, bad := range []string{"maybe 3 Rule", "want x Rule", "want 0 Rule", "not 3 -", "want 3", "want 3 Rule extra"} {
		if _, err := ParseLabels("x.labels", []byte(bad)); err == nil || !strings.Contains(err.Error(), "x.labels:1") {
			t.Errorf("%q: err = %v, want an error naming x.labels:1", bad, err)
		}
	}
}

func TestScore(t *testing.T) {
	var s Score
	s.Add("a", []Finding{{"R", 1, ""}, {"R", 2, ""}, {"Q", 5, ""}, {"Q", 9, "m"}},
		[]Label{{Verdict: Want, Line: 1, Rule: "R"}, {Verdict: Not, Line: 2, Rule: "R"}, {Verdict: Want, Line: 5, Rule: "Q"},
			{Verdict: Want, Line: 7, Rule: "Q"}, {Verdict: Want, Line: 3, Rule: NoRule}})
	r, q := *s.Rules["R"], *s.Rules["Q"]
	if r != (RuleScore{Findings: 2, Right: 1, Wrong: 1, Wanted: 1, Found: 1}) {
		t.Errorf("R = %+v", r)
	}
	if q != (RuleScore{Findings: 2, Right: 1, Wanted: 2, Found: 1}) {
		t.Errorf("Q = %+v", q)
	}
	if len(s.Unjudged) != 1 || s.Unjudged[0] != (Unjudged{"a", Finding{"Q", 9, "m"}}) {
		t.Errorf("unjudged = %+v, want Q at line 9", s.Unjudged)
	}
	tot := s.Total()
	if p, _ := tot.Precision(); p != 2.0/3 {
		t.Errorf("precision = %v, want 2/3", p)
	}
	if rc, _ := tot.Recall(); rc != 2.0/4 {
		t.Errorf("recall = %v, want 2/4 (the miss no rule reports counts)", rc)
	}
	if !strings.Contains(s.Table(10), "| Q | 2 | 1 | 0 | (few) |") {
		t.Errorf("table:\n%s", s.Table(10))
	}
}

// TestByInstruction: a label on any line of an instruction is the
// instruction's; repeats collapse, a want and a not for one finding clash.
func TestByInstruction(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl\nCMD x\n"))
	got, err := byInstruction(doc, "l", []Label{{Want, 3, "R", ""}, {Want, 2, "R", ""}, {Not, 4, "Q", ""}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Line != 2 || got[1].Line != 4 {
		t.Errorf("labels = %+v, want R at 2 once and Q at 4", got)
	}
	if _, err := byInstruction(doc, "l", []Label{{Want, 3, "R", ""}, {Not, 2, "R", ""}}); err == nil {
		t.Error("a want and a not for one finding: no error")
	}
}
