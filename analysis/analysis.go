// Package analysis is the one pipeline from a document to what users see
// of it: the fast rules and BuildKit's checks, then the settings
// (categories off, severities, rules switched off) and the inline
// suppressions. `dockerfile-ls check`, the server's published and pulled
// diagnostics, its code actions and fix-all all take their findings from
// here, so that they never disagree. No LSP here.
//
// The server publishes in two phases, the fast findings at once and
// BuildKit's after a background pass, so the phases are exported as well:
// Fast and BuildKit find, Assemble is the one place that turns what they
// found into the report. Run is all three in one call.
package analysis

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// Input is what one analysis reads.
type Input struct {
	Doc *dockerfile.Document
	// Context is the build context after .dockerignore; nil when there is
	// none (standard input) or it is still loading.
	Context  *buildcontext.Context
	Settings config.Settings
}

// Report is what an analysis found.
type Report struct {
	// Findings are sorted, graded by the settings, without the ones the
	// settings or inline comments switch off.
	Findings []diagnostics.Finding
	// Errors are the panics of rules, whose findings are missing: for the
	// caller to log.
	Errors []error
}

// Run analyses one document: both phases and Assemble. It fails only when
// ctx is done before BuildKit's checks end: the report would lack them.
func Run(ctx context.Context, in Input) (Report, error) {
	fast, errs := Fast(in.Doc, in.Context, in.Settings)
	buildkit, err := BuildKit(ctx, in.Doc, BuildKitOptions(in.Settings, in.Context))
	if err != nil {
		return Report{}, err
	}
	return Report{Findings: Assemble(in.Doc, in.Settings, fast, buildkit), Errors: errs}, nil
}

// Fast is the first phase: parse errors, instructions BuildKit rejects and
// every rule of ours (milliseconds, run on every keystroke). The findings
// are raw: Assemble makes them a report.
//
// A document over budget.MaxAnalysedDocument is not analysed: one
// AnalysisBudget finding says so.
func Fast(doc *dockerfile.Document, bctx *buildcontext.Context, st config.Settings) ([]diagnostics.Finding, []error) {
	fs, errs, _ := FastContext(context.Background(), doc, bctx, st) // never done
	return fs, errs
}

// FastContext is Fast that gives up between two rules once ctx is done,
// with ctx's error and no findings: the server cancels the analysis of a
// version the editor has already replaced, so that the newer one's starts
// at once.
func FastContext(ctx context.Context, doc *dockerfile.Document, bctx *buildcontext.Context, st config.Settings) ([]diagnostics.Finding, []error, error) {
	if tooLarge(doc) {
		msg := fmt.Sprintf("this file is %s, over the %s that dockerfile-ls analyses: it is not analysed, and has no other finding (editing features still work)",
			size(len(doc.Text)), size(budget.MaxAnalysedDocument))
		return []diagnostics.Finding{diagnostics.OverBudget(firstLine(doc), msg)}, nil, nil
	}
	return diagnostics.AnalyzeContext(ctx, doc, bctx, st.BuildOptions())
}

func tooLarge(doc *dockerfile.Document) bool { return len(doc.Text) > budget.MaxAnalysedDocument }

// size is n bytes for a message: "1.5 MiB", "640 KiB".
func size(n int) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// firstLine is where findings about the whole file go.
func firstLine(doc *dockerfile.Document) dockerfile.Span {
	return dockerfile.Span{Start: 0, End: doc.Lines.End(0)}
}

// BuildKit is the second phase: BuildKit's own checks (a conversion of the
// whole file, run in the background by the server). It fails with ctx's
// error once ctx is done, since the checks then stop early.
//
// A document too large to analyse, or whose expansions go over the build
// state's budget, is not converted: BuildKit would materialise the
// expansions in full (gigabytes from a file of a few hundred bytes). The
// fast phase's findings say so. A conversion that takes longer than
// budget.BuildKitTime (it cannot be stopped midway) adds an AnalysisBudget
// finding.
func BuildKit(ctx context.Context, doc *dockerfile.Document, opts diagnostics.BuildKitOptions) ([]diagnostics.Finding, error) {
	if tooLarge(doc) {
		return nil, nil
	}
	// The same options as Fast's (config.Settings.BuildOptions), so that
	// both read one build state.
	if _, over := diagnostics.OverExpansionBudget(doc.State(dockerfile.Options{BuildArgs: opts.BuildArgs})); over {
		return nil, nil
	}
	start := time.Now()
	fs := diagnostics.BuildKitChecks(ctx, doc, opts)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("BuildKit's checks: %w", err)
	}
	if took := time.Since(start); took > buildKitTime {
		fs = append(fs, diagnostics.OverBudget(firstLine(doc), fmt.Sprintf(
			"BuildKit's checks took %.0f s on this file, more than their %.0f s: an editor shows their findings for the file as it was opened, and runs them again only when it is reopened",
			took.Seconds(), buildKitTime.Seconds())))
	}
	return fs, nil
}

// buildKitTime is budget.BuildKitTime; tests shorten it.
var buildKitTime = budget.BuildKitTime

// BuildKitOptions are what BuildKit's checks read of the settings and the
// build context: the build args, the target, and the ignore patterns
// (CopyIgnoredFile).
func BuildKitOptions(s config.Settings, bctx *buildcontext.Context) diagnostics.BuildKitOptions {
	opts := diagnostics.BuildKitOptions{BuildArgs: s.BuildArgs, Target: s.Target}
	if bctx != nil {
		opts.IgnorePatterns = bctx.Patterns()
	}
	return opts
}

// Assemble turns the two phases' findings for doc into the report's: the
// settings' categories, severities and rules switched off, then the inline
// suppressions, sorted by position. It is the only place that decides what
// users see, so that the CLI and the editor agree. Neither input is
// modified.
func Assemble(doc *dockerfile.Document, s config.Settings, fast, buildkit []diagnostics.Finding) []diagnostics.Finding {
	all := make([]diagnostics.Finding, 0, len(fast)+len(buildkit))
	all = append(append(all, fast...), buildkit...)
	shown := bounded(doc, diagnostics.Suppress(doc, withoutSuperseded(doc, s.Diagnostics().Apply(all))))
	diagnostics.Sort(shown)
	return shown
}

// withoutSuperseded drops the findings a finding of another rule on the
// same instruction supersedes (diagnostics.Rule.Supersedes). fs is not
// modified.
func withoutSuperseded(doc *dockerfile.Document, fs []diagnostics.Finding) []diagnostics.Finding {
	type ruleAt struct {
		rule string
		in   *dockerfile.Instruction
	}
	superseded := map[ruleAt]bool{}
	for _, f := range fs {
		if r := diagnostics.Lookup(f.Rule); r != nil && len(r.Supersedes) > 0 {
			in := doc.InstructionAt(f.Span.Start)
			for _, name := range r.Supersedes {
				superseded[ruleAt{name, in}] = true
			}
		}
	}
	if len(superseded) == 0 {
		return fs
	}
	return slices.DeleteFunc(slices.Clone(fs), func(f diagnostics.Finding) bool {
		return superseded[ruleAt{f.Rule, doc.InstructionAt(f.Span.Start)}]
	})
}

// bounded keeps at most budget.MaxFindings of fs, the most severe first and
// then the first in the file, with a last AnalysisBudget finding at the end
// of the file counting the others; messages and related places are cut to
// their budgets. fs is not modified. `check` reports the same: its text,
// JSON and SARIF would otherwise grow with the file as the editor's
// answers did, and keeping the most severe keeps --fail-level's verdict.
func bounded(doc *dockerfile.Document, fs []diagnostics.Finding) []diagnostics.Finding {
	kept := fs
	if len(fs) > budget.MaxFindings {
		kept = slices.Clone(fs)
		slices.SortStableFunc(kept, func(a, b diagnostics.Finding) int {
			return cmp.Or(cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.Span.Start, b.Span.Start))
		})
		kept = kept[:budget.MaxFindings]
	}
	out := make([]diagnostics.Finding, 0, len(kept)+1)
	for _, f := range kept {
		out = append(out, trimmed(f))
	}
	if more := len(fs) - len(kept); more > 0 {
		end := dockerfile.Span{Start: len(doc.Text), End: len(doc.Text)}
		out = append(out, diagnostics.OverBudget(end, fmt.Sprintf(
			"%d more findings not shown: at most %d are shown for a file, the most severe first", more, budget.MaxFindings)))
	}
	return out
}

// trimmed is f with its message and related places cut to their budgets.
func trimmed(f diagnostics.Finding) diagnostics.Finding {
	f.Message = cut(f.Message)
	if len(f.Related) > 0 {
		related := make([]diagnostics.Related, 0, min(len(f.Related), budget.MaxRelated))
		for _, r := range f.Related[:min(len(f.Related), budget.MaxRelated)] {
			r.Message = cut(r.Message)
			related = append(related, r)
		}
		f.Related = related
	}
	return f
}

// cut shortens a message over budget.MaxFindingMessage bytes, at a rune
// boundary, marking the cut.
func cut(msg string) string {
	if len(msg) <= budget.MaxFindingMessage {
		return msg
	}
	end := budget.MaxFindingMessage
	for end > 0 && !utf8.RuneStart(msg[end]) {
		end--
	}
	return msg[:end] + "…"
}

// Findings is Run as fix-all takes it: the findings of any version of a
// document with this build context and these settings. Rules' panics go to
// onError, unless it is nil (the server logs them when it publishes).
func Findings(bctx *buildcontext.Context, s config.Settings, onError func(error)) func(context.Context, *dockerfile.Document) ([]diagnostics.Finding, error) {
	return func(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
		r, err := Run(ctx, Input{Doc: doc, Context: bctx, Settings: s})
		for _, e := range r.Errors {
			if onError != nil {
				onError(e)
			}
		}
		return r.Findings, err
	}
}
