package hostile

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "write the fuzz seeds and the budgets section of docs/hostile.md")

// seed is one input of a fuzz target's corpus: the suite's inputs scaled
// down to just past each budget, so that every fuzz run starts from
// them and `go test` of the target's package runs them as tests.
type seed struct {
	pkg, target, name string
	values            []any // string, []byte or int, in the target's order
}

// nestingPast is just past budget.MaxShellNesting, operatorsPast past
// MaxShellOperators.
const (
	nestingPast   = 1500
	operatorsPast = 12000
)

// expands are the seeds FuzzAnalyze does not get: its invariants call
// diagnostics.BuildKitChecks, which (unlike analysis.BuildKit, the
// pipeline's) does not stop at the expansion budget, and each of these
// exhausts memory there (1.2 GB, then out of memory under a 3 GB limit).
var expands = map[string]bool{"env-doubling-608": true, "arg-doubling": true, "global-arg": true, "env-tenfold-569": true}

func seeds() []seed {
	var all []seed
	scripts := map[string]string{
		"parens":       strings.Repeat("( ", nestingPast) + "true" + strings.Repeat(")", nestingPast),
		"dollar-brace": "echo " + strings.Repeat("${a:-", nestingPast) + "x" + strings.Repeat("}", nestingPast),
		"cmdsubst":     "echo " + strings.Repeat("$(", nestingPast) + "x" + strings.Repeat(")", nestingPast),
		"arithmetic":   "echo $((" + strings.Repeat("!", operatorsPast) + "1))",
		"heredoc":      "<<EOF\n" + ParensBody(nestingPast) + "\nEOF\n",
	}
	for name, script := range scripts {
		all = append(all, seed{"shell", "FuzzParse", name, []any{script}})
	}
	dockerfiles := map[string][]byte{
		"env-doubling-608": Doubling("ENV", 28),
		"arg-doubling":     Doubling("ARG", 28),
		"global-arg":       GlobalDoubling(28),
		"env-tenfold-569":  TenFold(9),
		"parens":           Parens(nestingPast),
		"dollar-brace":     Nested("${a:-", "}", nestingPast),
		"cmdsubst":         Nested("$(", ")", nestingPast),
		"heredoc-parens":   Heredoc(ParensBody(nestingPast)),
		"continuations":    Continuations(2000),
	}
	for name, text := range dockerfiles {
		if !expands[name] {
			all = append(all, seed{"diagnostics", "FuzzAnalyze", name, []any{text}})
		}
		all = append(all,
			seed{"features", "FuzzFormat", name, []any{text}},
			seed{"codeactions", "FuzzFixes", name, []any{text}},
			seed{"dockerfile", "FuzzApply", name, []any{string(text), len(text) / 2, 3, "${A1}\\\n"}})
	}
	ignore := DeepGlob(12) + "\n!" + DeepGlob(12) + "b\n" + string(StarIgnore(2<<10, true))
	paths := DeepDir(40) + "/Dockerfile\n" + DeepDir(20) + "/b/x\nfx1\nax2/y"
	all = append(all, seed{"buildcontext", "FuzzIgnore", "deep-glob", []any{ignore, paths, DeepGlob(12) + "b"}})
	return all
}

// path is where the seed's file is, from this package's folder.
func (s seed) path() string {
	return filepath.Join("..", "..", s.pkg, "testdata", "fuzz", s.target, "hostile-"+s.name)
}

// encode is the file in the fuzzing engine's format ("go test fuzz v1").
func (s seed) encode() []byte {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, v := range s.values {
		switch v := v.(type) {
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case int:
			fmt.Fprintf(&b, "int(%d)\n", v)
		default:
			panic(fmt.Sprintf("seed %s: a %T", s.name, v))
		}
	}
	return []byte(b.String())
}

// TestFuzzSeeds: every fuzz target that reads what the suite generates
// has the suite's inputs, scaled down, in its corpus (-update writes them).
func TestFuzzSeeds(t *testing.T) {
	for _, s := range seeds() {
		want := s.encode()
		if *update {
			if err := os.MkdirAll(filepath.Dir(s.path()), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.path(), want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(s.path())
		if err != nil || string(got) != string(want) {
			t.Errorf("%s is missing or out of date (go test ./internal/hostile -run TestFuzzSeeds -update): %v", s.path(), err)
		}
	}
}
