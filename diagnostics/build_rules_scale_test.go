package diagnostics

import (
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestBuildRulesOnLongFile: the rules that look back through a stage's
// instructions (the config that answers yes, the RUN that shows bash, the
// directories made) do it once per stage, not once per finding: with
// 1,000 COPYs CopySourcesToFile took 4.6 s.
func TestBuildRulesOnLongFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("FROM myorg/base:1\n")
	for range 4000 {
		b.WriteString("RUN apt-get install foo && curl x | sh && useradd -u 100000 a\nCOPY a.json b.json /x\n")
	}
	doc := dockerfile.Parse([]byte(b.String()))
	rules := []*Rule{missingYesFlag, pipeWithoutPipefail, copySourcesToFile, useraddHighUID, execFormSingleQuotes, copyFromUnknownStage}
	for _, r := range rules {
		var out []Finding
		if err := run(r, &Pass{Doc: doc, rule: r, out: &out}); err != nil { // builds the state and parses the scripts
			t.Fatal(err)
		}
	}
	for _, r := range rules {
		var out []Finding
		start := time.Now()
		if err := run(r, &Pass{Doc: doc, rule: r, out: &out}); err != nil {
			t.Fatal(err)
		}
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("%s took %v on 8,000 instructions (%d findings), more than 2 s", r.Name, elapsed, len(out))
		}
	}
}
