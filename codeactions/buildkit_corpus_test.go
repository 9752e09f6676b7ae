package codeactions

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// TestBuildKitFixesOnCorpus runs every fix of a BuildKit check, and the
// "Skip <Rule> in this file" action, over every Dockerfile of the corpus
// (the in-repo sample, or all of the full corpus in make test-corpus):
//   - each fix alone: the result parses, keeps its instructions, no longer
//     has that rule at that instruction, and has no more error-level
//     findings of any rule than before; and it means the same (casing fixes
//     change letter case only, ENV/LABEL values as BuildKit computes them
//     stay, an exec-form CMD has the words sh would have run);
//   - each skip action (one per rule and file): the same, and the rule is
//     gone from the whole file;
//   - fix-all (Fixing.Run, fed the BuildKit findings): the result parses
//     with no new error, and a second run changes nothing.
//
// Findings are the ones that can be errors: the parse, BuildKit's typed
// parse of each instruction, and BuildKit's checks.
func TestBuildKitFixesOnCorpus(t *testing.T) {
	files := testgen.CorpusFiles(t)
	start := time.Now()
	var st corpusStats
	st.fixes = map[string]int{}
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for path := range jobs {
				checkCorpusFile(t, path, &st)
			}
		})
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	t.Logf("%d files in %v: fixes applied one by one %v; %d skip actions; fix-all rounds that changed the file %v",
		len(files), time.Since(start).Round(time.Millisecond), st.fixes, st.skips, st.passes)
}

type corpusStats struct {
	mu       sync.Mutex
	fixes    map[string]int // rule -> fixes checked
	skips    int
	passes   [6]int // files by the number of fix-all rounds that changed them
	failures atomic.Int32
}

// fail reports a problem, up to 30 of them.
func (st *corpusStats) fail(t *testing.T, format string, args ...any) {
	if st.failures.Add(1) <= 30 {
		t.Errorf(format, args...)
	}
}

func checkCorpusFile(t *testing.T, path string, st *corpusStats) {
	text, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	doc, fs := errorAnalyse(text)
	if doc.Error != nil {
		return // BuildKit's checks do not run
	}
	errs := errorCounts(fs)
	fixed := map[string]int{}

	for _, a := range For(doc.State(dockerfile.Options{}), fs, nil) {
		f := a.Finding
		if f.Category != diagnostics.BuildKit || a.Suppresses {
			continue // skip actions are checked on their own below
		}
		fixed[f.Rule]++
		what := fmt.Sprintf("%s: %s at line %d (%q)", path, f.Rule, doc.Lines.LineOf(f.Span.Start)+1, a.Title)
		at := slices.Index(doc.Instructions, doc.InstructionAt(f.Span.Start))
		got := checkFixed(t, st, what, text, a.Edits, len(doc.Instructions), errs, func(newDoc *dockerfile.Document, g diagnostics.Finding) bool {
			return g.Rule == f.Rule && slices.Index(newDoc.Instructions, newDoc.InstructionAt(g.Span.Start)) == at
		})
		if got != nil {
			if msg := sameMeaning(f.Rule, doc, got, at); msg != "" {
				st.fail(t, "%s: %s", what, msg)
			}
		}
	}

	skipped := map[string]bool{}
	for _, f := range fs {
		if f.Category != diagnostics.BuildKit || skipped[f.Rule] {
			continue
		}
		a, ok := SkipCheckAction(doc, f)
		if !ok {
			continue
		}
		skipped[f.Rule] = true
		what := fmt.Sprintf("%s: %q", path, a.Title)
		checkFixed(t, st, what, text, a.Edits, len(doc.Instructions), errs, func(_ *dockerfile.Document, g diagnostics.Finding) bool {
			return g.Rule == f.Rule
		})
	}

	passes := 0
	if slices.ContainsFunc(For(doc.State(dockerfile.Options{}), fs, nil), func(a Action) bool { return a.InFixAll && a.Finding.Category == diagnostics.BuildKit }) {
		passes = fixAllPasses(t, st, path, doc, fs, errs)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for r, n := range fixed {
		st.fixes[r] += n
	}
	st.skips += len(skipped)
	st.passes[min(passes, len(st.passes)-1)]++
}

// checkFixed applies one action's edits, checks the result and returns it
// (nil when it does not parse).
func checkFixed(t *testing.T, st *corpusStats, what string, text []byte, edits []dockerfile.Edit, instructions int,
	errs map[string]int, stillThere func(*dockerfile.Document, diagnostics.Finding) bool) []byte {
	got, err := Apply(text, edits)
	if err != nil {
		st.fail(t, "%s: %v", what, err)
		return nil
	}
	doc, fs := errorAnalyse(got)
	if doc.Error != nil {
		st.fail(t, "%s: the result does not parse: %v\n%s", what, doc.Error, got)
		return nil
	}
	if len(doc.Instructions) != instructions {
		st.fail(t, "%s: %d instructions instead of %d", what, len(doc.Instructions), instructions)
	}
	for _, g := range fs {
		if stillThere(doc, g) {
			st.fail(t, "%s: still reported: %s", what, g.Message)
			break
		}
	}
	if after := errorCounts(fs); !noNewErrors(errs, after) {
		st.fail(t, "%s: new error-level findings: before %v, after %v", what, errs, after)
	}
	return got
}

// sameMeaning checks, for each rewriting fix, that the fixed file means
// what the original did; at is the index of the fixed instruction.
func sameMeaning(rule string, before *dockerfile.Document, after []byte, at int) string {
	switch rule {
	case "ConsistentInstructionCasing", "FromAsCasing", "StageNameCasing":
		if !bytes.EqualFold(before.Text, after) {
			return "changed more than letter case"
		}
	case "LegacyKeyValueFormat", "MaintainerDeprecated":
		env := map[string]string{"HOME": "/root", "PATH": "/usr/bin:/bin", "VERSION": "1.2 3"}
		a, errA := expandedValues(before.Text, env)
		b, errB := expandedValues(after, env)
		if errA != nil || errB != nil || !slices.Equal(a, b) {
			return fmt.Sprintf("values changed: %q %v -> %q %v", a, errA, b, errB)
		}
	case "JSONArgsRecommended":
		in := before.Instructions[at]
		words, ok := shellWords(before.Slice(in.ArgsSpan))
		if len(words) > 1 && words[0] == "exec" {
			words = words[1:]
		}
		var args []string
		for _, w := range dockerfile.Parse(after).Instructions[at].Args {
			args = append(args, w.Value)
		}
		if !ok || !slices.Equal(words, args) {
			return fmt.Sprintf("sh runs %q (simple command: %v), the exec form %q", words, ok, args)
		}
	}
	return ""
}

// shellWords parses a shell-form command with a POSIX shell parser and
// returns its words when it is one simple command of literal words.
func shellWords(cmd string) ([]string, bool) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(cmd), "")
	if err != nil || len(f.Stmts) != 1 {
		return nil, false
	}
	s := f.Stmts[0]
	call, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || s.Negated || s.Background || len(s.Redirs) > 0 || len(call.Assigns) > 0 {
		return nil, false
	}
	var out []string
	for _, w := range call.Args {
		lit := w.Lit()
		if lit == "" {
			return nil, false
		}
		out = append(out, lit)
	}
	return out, true
}

// fixAllPasses runs fix-all (Fixing.Run) with the BuildKit findings only,
// checks the result, and returns the number of rounds that changed the
// text. Fix-all stops after a round that finds nothing to apply: that round
// is the "second pass changes nothing" check, made explicit when it ran out
// of rounds instead.
func fixAllPasses(t *testing.T, st *corpusStats, path string, doc *dockerfile.Document, fs []diagnostics.Finding, errs map[string]int) int {
	rounds := 0
	var last []diagnostics.Finding
	var lastDoc *dockerfile.Document
	analyser := func(_ context.Context, d *dockerfile.Document) ([]diagnostics.Finding, error) {
		rounds++
		if rounds == 1 && bytes.Equal(d.Text, doc.Text) {
			lastDoc, last = doc, fs // analysed already
		} else {
			lastDoc, last = errorAnalyse(d.Text)
		}
		return slices.DeleteFunc(slices.Clone(last), func(f diagnostics.Finding) bool { return f.Category != diagnostics.BuildKit }), nil
	}
	fixing := Fixing{Analyse: analyser}
	fixed, err := fixing.Run(t.Context(), doc.Text)
	if err != nil {
		st.fail(t, "%s: %v", path, err)
		return 0
	}
	if fixed.Applied == 0 {
		return 0
	}
	changed := rounds - 1
	if rounds >= maxRounds {
		again, err := fixing.Run(t.Context(), fixed.Doc.Text)
		if err != nil {
			st.fail(t, "%s: %v", path, err)
			return changed
		}
		if again.Applied != 0 {
			st.fail(t, "%s: fix-all does not converge: a second run applied %d more fixes:\n%s", path, again.Applied, MinimalEdit(fixed.Doc.Text, again.Doc.Text).Text)
			return changed
		}
	}
	if lastDoc.Error != nil {
		st.fail(t, "%s: after fix-all the file does not parse: %v", path, lastDoc.Error)
	} else if !noNewErrors(errs, errorCounts(last)) {
		st.fail(t, "%s: new error-level findings after fix-all: before %v, after %v", path, errs, errorCounts(last))
	}
	return changed
}

// errorAnalyse finds what can be an error: the parse error, BuildKit's
// rejection of an instruction, and BuildKit's checks (which are errors with
// # check=error=true). The other rules of ours only warn.
func errorAnalyse(text []byte) (*dockerfile.Document, []diagnostics.Finding) {
	doc := dockerfile.Parse(text)
	var fs []diagnostics.Finding
	if doc.Error != nil {
		fs = append(fs, diagnostics.Finding{Rule: "ParseError", Category: diagnostics.Syntax, Severity: diagnostics.Error, Span: doc.Error.Span, Message: doc.Error.Message})
	}
	for _, in := range doc.Instructions {
		if _, err := doc.Command(in); err != nil {
			fs = append(fs, diagnostics.Finding{Rule: "InvalidInstruction", Category: diagnostics.Syntax, Severity: diagnostics.Error, Span: in.Span, Message: err.Error()})
		}
	}
	fs = append(fs, diagnostics.BuildKitChecks(context.Background(), doc, diagnostics.BuildKitOptions{})...)
	diagnostics.Sort(fs)
	return doc, fs
}

// errorCounts counts error-level findings by rule (see otherFindings for
// the known false InvalidInstruction it leaves out).
func errorCounts(fs []diagnostics.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		if f.Severity == diagnostics.Error && !isCheckCommentPanic(f) {
			out[f.Rule]++
		}
	}
	return out
}

func noNewErrors(before, after map[string]int) bool {
	for _, r := range slices.Sorted(maps.Keys(after)) {
		if after[r] > before[r] {
			return false
		}
	}
	return true
}
