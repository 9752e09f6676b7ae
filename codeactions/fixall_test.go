package codeactions

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// lowerKeywords is an analysis for the tests: a "Lower" finding on each
// instruction whose keyword is not in capitals.
func lowerKeywords(_ context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
	var out []diagnostics.Finding
	for _, in := range doc.Instructions {
		if kw := doc.Slice(in.KeywordSpan); kw != strings.ToUpper(kw) {
			out = append(out, diagnostics.Finding{Rule: "Lower", Span: in.KeywordSpan})
		}
	}
	return out, nil
}

// upper is the fix of a "Lower" finding.
func upper(doc *dockerfile.Document, f diagnostics.Finding) Action {
	return Action{Title: "upper", Finding: f, InFixAll: true,
		Edits: []dockerfile.Edit{{Start: f.Span.Start, End: f.Span.End, Text: strings.ToUpper(doc.Slice(f.Span))}}}
}

// offering makes an Offer from a function giving each finding its fixes.
func offering(fixes func(*dockerfile.Document, diagnostics.Finding) []Action) Offer {
	return func(st *dockerfile.BuildState, fs []diagnostics.Finding, _ *buildcontext.Context) []Action {
		var out []Action
		for _, f := range fs {
			out = append(out, fixes(st.Document(), f)...)
		}
		return out
	}
}

func fixAll(t *testing.T, f Fixing, text string) Fixed {
	t.Helper()
	fixed, err := f.Run(t.Context(), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return fixed
}

// TestFixAllOnceEach: of two fixes touching the same bytes, one is
// applied; the other waits for the next round, where its finding is gone.
// Fixes outside fix-all are never applied.
func TestFixAllOnceEach(t *testing.T) {
	f := Fixing{Analyse: lowerKeywords, Offer: offering(func(doc *dockerfile.Document, f diagnostics.Finding) []Action {
		again, comment := upper(doc, f), upper(doc, f)
		comment.InFixAll, comment.Edits = false, []dockerfile.Edit{{Start: f.Span.Start, End: f.Span.Start, Text: "# x\n"}}
		return []Action{upper(doc, f), again, comment}
	})}
	got := fixAll(t, f, "FROM alpine:3.19\nrun echo hi\ncopy a /a\n")
	if string(got.Doc.Text) != "FROM alpine:3.19\nRUN echo hi\nCOPY a /a\n" || got.Applied != 2 || len(got.Findings) != 0 {
		t.Errorf("applied %d, findings %v:\n%s", got.Applied, got.Findings, got.Doc.Text)
	}
}

// TestFixAllKeepsParsing: a fix that would make the file fail to parse is
// left out; the fixes applied with it in the same round are kept.
func TestFixAllKeepsParsing(t *testing.T) {
	f := Fixing{Analyse: lowerKeywords, Offer: offering(func(doc *dockerfile.Document, f diagnostics.Finding) []Action {
		in := doc.InstructionAt(f.Span.Start)
		heredoc := upper(doc, f)
		heredoc.Edits = []dockerfile.Edit{{Start: in.Span.End, End: in.Span.End, Text: " <<EOF"}}
		return []Action{upper(doc, f), heredoc}
	})}
	got := fixAll(t, f, "FROM alpine:3.19\nrun echo hi\nRUN echo x\n")
	if string(got.Doc.Text) != "FROM alpine:3.19\nRUN echo hi\nRUN echo x\n" || got.Applied != 1 || got.Doc.Error != nil {
		t.Errorf("applied %d:\n%s", got.Applied, got.Doc.Text)
	}
}

// TestFixAllDropsFixThatComesBack: a fix whose finding is there again
// after it would apply in every round; its rule's fixes are dropped, the
// round undone and the other rules' fixes applied without them.
func TestFixAllDropsFixThatComesBack(t *testing.T) {
	analyse := func(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
		fs, _ := lowerKeywords(ctx, doc)
		return append(fs, diagnostics.Finding{Rule: "Grow", Span: dockerfile.Span{Start: len(doc.Text), End: len(doc.Text)}}), nil
	}
	f := Fixing{Analyse: analyse, Offer: offering(func(doc *dockerfile.Document, f diagnostics.Finding) []Action {
		if f.Rule == "Grow" {
			return []Action{{Title: "grow", Finding: f, InFixAll: true, Edits: []dockerfile.Edit{{Start: f.Span.Start, End: f.Span.End, Text: "# more\n"}}}}
		}
		return []Action{upper(doc, f)}
	})}
	got := fixAll(t, f, "FROM alpine:3.19\nrun echo hi\n")
	if string(got.Doc.Text) != "FROM alpine:3.19\nRUN echo hi\n" || got.Applied != 1 {
		t.Errorf("applied %d:\n%s", got.Applied, got.Doc.Text)
	}
}

// TestFixAllCancelled: a cancelled request stops fix-all at its next
// analysis, with ctx's error.
func TestFixAllCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	analyses := 0
	analyse := func(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
		analyses++
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return lowerKeywords(ctx, doc)
	}
	f := Fixing{Analyse: analyse, Offer: offering(func(doc *dockerfile.Document, f diagnostics.Finding) []Action {
		cancel() // the user typed while the first round was chosen
		return []Action{upper(doc, f)}
	})}
	_, err := f.Run(ctx, []byte("FROM alpine:3.19\nrun echo hi\n"))
	if !errors.Is(err, context.Canceled) || analyses != 2 {
		t.Errorf("err %v after %d analyses, want context.Canceled after 2", err, analyses)
	}
}

// TestFixAllPipeline: with the pipeline of the CLI and the editor,
// BuildKit's fixes are applied, and a rule the settings switch off is not
// fixed.
func TestFixAllPipeline(t *testing.T) {
	text := "FROM alpine:3.19 as base\nrun echo hi\nRUN echo x\nCOPY a /a\n"
	for _, c := range []struct {
		settings config.Settings
		want     string
	}{
		{config.Settings{}, "FROM alpine:3.19 AS base\nRUN echo hi\nRUN echo x\nCOPY a /a\n"},
		{config.Settings{Rules: map[string]string{"ConsistentInstructionCasing": "off"}}, "FROM alpine:3.19 AS base\nrun echo hi\nRUN echo x\nCOPY a /a\n"},
	} {
		got := fixAll(t, Fixing{Analyse: analysis.Findings(nil, c.settings, func(err error) { t.Error(err) })}, text)
		if string(got.Doc.Text) != c.want {
			t.Errorf("%v: got\n%s\nwant\n%s", c.settings.Rules, got.Doc.Text, c.want)
		}
	}
}

// TestFixAllOtherRuleAddsFinding: a fix of one rule that adds a finding of
// another does not make the other's fixes look like they re-introduce
// their findings: both are applied, in two rounds.
func TestFixAllOtherRuleAddsFinding(t *testing.T) {
	analyse := func(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
		fs, _ := lowerKeywords(ctx, doc)
		if !strings.Contains(string(doc.Text), "echo note") {
			fs = append(fs, diagnostics.Finding{Rule: "Note", Span: dockerfile.Span{Start: len(doc.Text), End: len(doc.Text)}})
		}
		return fs, nil
	}
	f := Fixing{Analyse: analyse, Offer: offering(func(doc *dockerfile.Document, f diagnostics.Finding) []Action {
		if f.Rule == "Note" {
			return []Action{{Title: "note", Finding: f, InFixAll: true, Edits: []dockerfile.Edit{{Start: f.Span.Start, End: f.Span.End, Text: "run echo note\n"}}}}
		}
		return []Action{upper(doc, f)}
	})}
	got := fixAll(t, f, "FROM alpine:3.19\nrun echo hi\n")
	if string(got.Doc.Text) != "FROM alpine:3.19\nRUN echo hi\nRUN echo note\n" || got.Applied != 3 {
		t.Errorf("applied %d:\n%s", got.Applied, got.Doc.Text)
	}
}

func TestMapOffset(t *testing.T) {
	// "abcdef": "b" replaced by "BB", "X" inserted at 4, "f" deleted.
	edits := []dockerfile.Edit{{Start: 1, End: 2, Text: "BB"}, {Start: 4, End: 4, Text: "X"}, {Start: 5, End: 6}}
	for _, c := range []struct {
		p          int
		end        bool
		want       int
		whereInNew string
	}{
		{0, false, 0, "before any edit"},
		{1, false, 1, "the start of a replacement"},
		{2, false, 3, "the end of a replacement"},
		{2, true, 3, "the end of a replacement"},
		{3, false, 4, "between edits"},
		{4, false, 5, "before an insertion"},
		{4, true, 6, "after an insertion"},
		{6, false, 7, "after a deletion at the end"},
	} {
		if got := mapOffset(edits, c.p, c.end); got != c.want {
			t.Errorf("%d (end %v, %s): %d, want %d", c.p, c.end, c.whereInNew, got, c.want)
		}
	}
	inside := []dockerfile.Edit{{Start: 1, End: 5, Text: "xy"}}
	if s, e := mapOffset(inside, 3, false), mapOffset(inside, 3, true); s != 1 || e != 3 {
		t.Errorf("inside a replacement: %d, %d; want 1, 3", s, e)
	}
}
