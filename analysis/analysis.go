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
	"context"
	"fmt"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
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
func Fast(doc *dockerfile.Document, bctx *buildcontext.Context, st config.Settings) ([]diagnostics.Finding, []error) {
	return diagnostics.AnalyzeBuild(doc, bctx, st.BuildOptions())
}

// BuildKit is the second phase: BuildKit's own checks (a conversion of the
// whole file, run in the background by the server). It fails with ctx's
// error once ctx is done, since the checks then stop early.
//
// A document whose expansions go over the build state's budget is not
// converted: BuildKit would materialise them in full (gigabytes from a
// file of a few hundred bytes). The fast phase's ExpansionBudget finding
// says so.
func BuildKit(ctx context.Context, doc *dockerfile.Document, opts diagnostics.BuildKitOptions) ([]diagnostics.Finding, error) {
	// The same options as Fast's (config.Settings.BuildOptions), so that
	// both read one build state.
	if _, over := diagnostics.OverExpansionBudget(doc.State(dockerfile.Options{BuildArgs: opts.BuildArgs})); over {
		return nil, nil
	}
	fs := diagnostics.BuildKitChecks(ctx, doc, opts)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("BuildKit's checks: %w", err)
	}
	return fs, nil
}

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
	shown := diagnostics.Suppress(doc, s.Diagnostics().Apply(all))
	diagnostics.Sort(shown)
	return shown
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
