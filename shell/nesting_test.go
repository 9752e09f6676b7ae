package shell

import (
	"strings"
	"testing"
	"time"
)

// hostileBound is how long a hostile script may take to be refused or read:
// about a hundredth of it on an idle machine, room for a loaded 2-core one.
const hostileBound = 5 * time.Second

// parseTimed parses script and fails the test when it takes longer than
// hostileBound.
func parseTimed(t *testing.T, name, script string) *Script {
	t.Helper()
	start := time.Now()
	s, _ := Parse(script)
	took := time.Since(start)
	t.Logf("%s (%d KB): %v", name, len(script)>>10, took)
	if took > hostileBound {
		t.Errorf("%s took %v, want under %v", name, took, hostileBound)
	}
	return s
}

// TestHostileNesting: scripts that overflowed the goroutine stack in the
// parser or the walker (a crash no recover catches) are refused at once,
// and the Script says it was cut.
func TestHostileNesting(t *testing.T) {
	cases := map[string]string{
		"150,000 (":             strings.Repeat("(", 150000),
		"150,000 ( closed":      strings.Repeat("(", 150000) + "a" + strings.Repeat(")", 150000),
		"300,000 ${a:-":         "echo " + strings.Repeat("${a:-", 300000),
		"300,000 ${a:- closed":  "echo " + strings.Repeat("${a:-", 300000) + strings.Repeat("}", 300000),
		"heredoc ${a:-":         "cat <<EOF\n" + strings.Repeat("${a:-", 300000) + strings.Repeat("}", 300000) + "\nEOF\n",
		"heredoc script (":      "<<EOF\n" + strings.Repeat("(", 150000) + "a" + strings.Repeat(")", 150000) + "\nEOF\n",
		"40,000 nested $(":      strings.Repeat("$(", 40000) + strings.Repeat(")", 40000),
		"1,000,000 ! in $((":    "echo $((" + strings.Repeat("!", 1000000) + "1))",
		"2,000,000 pipes":       strings.Repeat("a|", 2000000) + "b",
		"1,000,000 ! in [[":     "[[ " + strings.Repeat("! ", 1000000) + "a ]]",
		"300,000 nested if":     strings.Repeat("if a;then ", 300000) + "b" + strings.Repeat(";fi", 300000),
		"quoted ) cancels none": strings.Repeat("$(echo ')' ", 150000),
	}
	for name, script := range cases {
		s := parseTimed(t, name, script)
		if !s.Cut() || len(s.Commands) != 0 {
			t.Errorf("%s: cut %v, %d commands; want cut and none", name, s.Cut(), len(s.Commands))
		}
	}
}

// TestNestingWithinBudget: real scripts, deeply nested ones included, are
// read; the budget is far above what they use.
func TestNestingWithinBudget(t *testing.T) {
	for _, script := range []string{
		typicalRun,
		strings.Repeat("$(echo ", 50) + "x" + strings.Repeat(")", 50),
		strings.Repeat("if a; then ", 50) + "pip install x" + strings.Repeat("; fi", 50),
		strings.Repeat("apt-get install -y --no-install-recommends a=1.0-1 b=2:3.4 && \\\n", 500) + "true",
	} {
		s, err := Parse(script)
		if err != nil || s.Cut() || len(s.Commands) == 0 {
			t.Errorf("Parse(%.40q...): cut %v, err %v, %d commands", script, s.Cut(), err, len(s.Commands))
		}
	}
}

// TestUnquoteLinear: a word nesting $(...) 900 deep around 200 KB of words
// is read in linear time. Each level used to copy the text of all the
// levels inside it (17 s; 40,000 nested $( took 88 s before the nesting
// budget refused them).
func TestUnquoteLinear(t *testing.T) {
	script := "echo " + strings.Repeat("$(echo ", 900) + strings.Repeat("a ", 100000) + strings.Repeat(")", 900)
	s := parseTimed(t, "900 nested $( around 200 KB", script)
	if s.Cut() || len(s.Commands) != 901 {
		t.Fatalf("cut %v, %d commands, want 901", s.Cut(), len(s.Commands))
	}
	if last := s.Commands[len(s.Commands)-1]; len(last.Args) != 100001 {
		t.Errorf("innermost command has %d words, want 100001", len(last.Args))
	}
}

// TestDynamicScriptWord: the text of a dynamic word is still built, with
// its offsets, when it is a script to parse again.
func TestDynamicScriptWord(t *testing.T) {
	script := `sh -c "cd $(dirname "$0") && npm ci" x`
	s, err := Parse(script)
	if err != nil {
		t.Fatal(err)
	}
	last := s.Commands[len(s.Commands)-1]
	if got := render(last); got != "&& ^ npm ci" {
		t.Fatalf("last command %q in %q", got, renderAll(s))
	}
	if w := last.Args[0]; script[w.Start:w.End] != "npm" {
		t.Errorf("npm at [%d,%d) covers %q", w.Start, w.End, script[w.Start:w.End])
	}
	checkOffsets(t, script, s)
}
