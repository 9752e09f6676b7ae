package codeactions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// longFile is a stage of n lines made by line(i), after a FROM.
func longFile(n int, line func(i int) string) []byte {
	var b strings.Builder
	b.WriteString("FROM debian:12\n")
	for i := range n {
		b.WriteString(line(i))
	}
	return []byte(b.String())
}

// TestForOnLongFile: the fixes of an 8,000-line stage are computed in time
// linear in the findings (each apt fix scanned the whole stage: 13–21 s),
// and a request for one range, through Touching, gets the same fixes for
// it as the whole file's list restricted to it.
func TestForOnLongFile(t *testing.T) {
	text := longFile(8000, func(i int) string { return fmt.Sprintf("RUN apt-get update && apt-get install -y curl%d\n", i) })
	doc := dockerfile.Parse(text)
	findings, _ := diagnostics.AnalyzeBuild(doc, nil, dockerfile.Options{})
	st := doc.State(dockerfile.Options{})
	start := time.Now()
	all := For(st, findings, nil)
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("For took %v for %d findings (8,000 lines), more than 3 s", elapsed, len(findings))
	}
	for _, line := range []int{1, 2, 3, 4001, 4002, 8000} {
		span := dockerfile.Span{Start: doc.Lines.Start(line), End: doc.Lines.End(line)}
		some := Touching(doc, findings, span)
		if len(some) > 10 {
			t.Errorf("line %d: %d findings looked at", line, len(some))
		}
		want, got := titlesIn(all, span), titlesIn(For(st, some, nil), span)
		if want == "" || got != want {
			t.Errorf("line %d: the range's fixes are\n%s\nthe file's, in the range, are\n%s", line, got, want)
		}
	}
}

// titlesIn lists the titles of the fixes whose finding touches span, as
// the server filters them.
func titlesIn(actions []Action, span dockerfile.Span) string {
	var out []string
	for _, a := range actions {
		if a.Finding.Span.Start <= span.End && a.Finding.Span.End >= span.Start {
			out = append(out, a.Title)
		}
	}
	return strings.Join(out, "\n")
}

// TestTouchingKeepsTheInstruction: a range over the no-cache-dir finding
// of a RUN that also gets a cache mount brings the mount's finding along,
// so that For lets the mount supersede the size fix as it does for the
// whole file.
func TestTouchingKeepsTheInstruction(t *testing.T) {
	doc, findings := analyse([]byte("FROM python:3.12\nRUN pip install flask\nRUN echo done\n"), nil)
	i := slices.IndexFunc(findings, func(f diagnostics.Finding) bool { return Kind(f) == diagnostics.AddNoCacheDir })
	if i < 0 || !slices.ContainsFunc(findings, func(f diagnostics.Finding) bool { return Kind(f) == diagnostics.AddCacheMount }) {
		t.Fatalf("want a cache mount and a no-cache-dir finding: %v", findings)
	}
	got := Touching(doc, findings, dockerfile.Span{Start: findings[i].Span.End, End: findings[i].Span.End})
	if !slices.ContainsFunc(got, func(f diagnostics.Finding) bool { return Kind(f) == diagnostics.AddCacheMount }) {
		t.Errorf("the RUN's cache mount finding is left out: %v", got)
	}
	if slices.ContainsFunc(For(doc.State(dockerfile.Options{}), got, nil), func(a Action) bool { return Kind(a.Finding) == diagnostics.AddNoCacheDir }) {
		t.Error("the no-cache-dir fix is offered beside the cache mount")
	}
}

// TestFixAllStopsPromptly: fix-all stops as soon as its context is done, even
// when the analysis does not look at it (the fast rules do not) and in
// the middle of the parse guard, which parses the whole text once per fix.
func TestFixAllStopsPromptly(t *testing.T) {
	text := longFile(8000, func(i int) string { return fmt.Sprintf("ENV A%d=b\n", i) })
	t.Run("after an analysis", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		calls := 0
		analyse := func(_ context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
			calls++
			cancel() // the request is cancelled while the rules run
			return lowerKeywords(ctx, doc)
		}
		_, err := Fixing{Analyse: analyse, Offer: offering(func(doc *dockerfile.Document, f diagnostics.Finding) []Action { return []Action{upper(doc, f)} })}.Run(ctx, []byte(strings.ToLower(string(text))))
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("err %v after %d analyses; want context.Canceled after 1", err, calls)
		}
	})
	t.Run("in the parse guard", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		// Each fix empties an ENV, which BuildKit rejects: together they
		// parse worse, so the guard tries them one by one.
		breakEnv := func(st *dockerfile.BuildState, fs []diagnostics.Finding, _ *buildcontext.Context) []Action {
			defer cancel()
			var out []Action
			for _, in := range st.Document().Instructions[1:] {
				out = append(out, Action{Title: "break", InFixAll: true, Finding: diagnostics.Finding{Rule: "Env", Span: in.ArgsSpan},
					Edits: []dockerfile.Edit{{Start: in.ArgsSpan.Start, End: in.ArgsSpan.End}}})
			}
			return out
		}
		analyse := func(context.Context, *dockerfile.Document) ([]diagnostics.Finding, error) { return nil, nil }
		start := time.Now()
		_, err := Fixing{Analyse: analyse, Offer: breakEnv}.Run(ctx, text)
		// Before, the guard ran to its end (over 10 min); 30 s leaves room
		// for make test's parallel load on two cores (4.8 s seen there).
		if elapsed := time.Since(start); !errors.Is(err, context.Canceled) || elapsed > 30*time.Second {
			t.Errorf("err %v after %v; want context.Canceled within 30 s", err, elapsed)
		}
	})
}
