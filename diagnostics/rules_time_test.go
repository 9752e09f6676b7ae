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
