package buildkitcheck

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/buildkitcheck/internal/rulegen"
)

// TestGeneratedRulesCurrent regenerates rules_generated.go in memory from
// the BuildKit module this module builds with: a BuildKit upgrade that
// adds, removes or rewords a rule fails here until go generate is run.
func TestGeneratedRulesCurrent(t *testing.T) {
	want, err := rulegen.FromModule(".")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("rules_generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("rules_generated.go is not current: run go generate ./buildkitcheck/\nfirst difference:\n%s", firstDifference(got, want))
	}
}

// firstDifference shows the first line that differs between the committed
// and the regenerated file.
func firstDifference(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range max(len(g), len(w)) {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return fmt.Sprintf("line %d:\n  committed:   %s\n  regenerated: %s", i+1, gl, wl)
		}
	}
	return "(none: the files differ only in a final newline)"
}
