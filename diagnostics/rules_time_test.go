package diagnostics

import (
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestRulesStopAtTheirTimeBudget: past budget.RulesTime the remaining
// rules are not run, and one AnalysisBudget finding names them.
func TestRulesStopAtTheirTimeBudget(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n"))
	defer func(d time.Duration) { rulesTime = d }(rulesTime)

	rulesTime = time.Hour
	all, _ := Analyze(doc, nil)
	for _, f := range all {
		if f.Rule == analysisBudgetRule.Name {
			t.Fatalf("within the budget: %s", f.Message)
		}
	}
	if len(all) == 0 {
		t.Fatal("no findings within the budget")
	}

	rulesTime = -time.Second // spent before the first rule
	cut, _ := Analyze(doc, nil)
	if len(cut) != 1 || cut[0].Rule != analysisBudgetRule.Name {
		t.Fatalf("past the budget: %d findings %v, want one AnalysisBudget", len(cut), cut)
	}
	if !strings.Contains(cut[0].Message, "CopyBeforeInstall") || !strings.Contains(cut[0].Message, "were not run") {
		t.Errorf("the finding does not name the rules left out: %s", cut[0].Message)
	}
}

// TestDeepScriptIsSaidSo: a RUN whose script nests past the shell budget
// is not read, and an AnalysisBudget finding on it says so.
func TestDeepScriptIsSaidSo(t *testing.T) {
	deep := "FROM alpine:3.20\nRUN " + strings.Repeat("(", 1500) + "true" + strings.Repeat(")", 1500) + "\nRUN (true)\n"
	fs, _ := Analyze(dockerfile.Parse([]byte(deep)), nil)
	var said []int
	for _, f := range fs {
		if f.Rule == analysisBudgetRule.Name && strings.Contains(f.Message, "not read") {
			said = append(said, f.Span.Start)
		}
	}
	if want := strings.Index(deep, "RUN"); len(said) != 1 || said[0] != want {
		t.Errorf("AnalysisBudget findings on the scripts at %v, want one on the deep RUN at %d", said, want)
	}
}
