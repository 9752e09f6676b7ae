package server

import (
	"context"
	"strings"

	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/features"
)

// What CopyBeforeInstall's fix would have saved over the history the code
// lens replays: the same commits replayed against the Dockerfile with that
// one fix applied (in memory), computed with the forecast, shown by a
// hover on the finding.

// copyBeforeInstall is the rule whose fix a hover prices.
const copyBeforeInstall = "CopyBeforeInstall"

// fixSaving is one CopyBeforeInstall finding's fix, priced: the install
// re-ran in before commits and would have in after; the whole Dockerfile
// saves saved step re-runs, worth seconds.
type fixSaving struct {
	span          dockerfile.Span
	text          string // the install's text, when priced
	before, after int
	saved         int
	seconds       float64
}

// copyFixSavings prices the fix of each CopyBeforeInstall finding of the
// replayed Dockerfile that has one (a finding shown with the settings, as
// the editor shows it), over the commits of hist.
func copyFixSavings(ctx context.Context, rp *cachehistory.Replayer, hist *cachehistory.History, before *cachehistory.Result, st config.Settings) []fixSaving {
	doc, bctx := rp.Today.Input.Doc, rp.Today.Input.Context
	fast, _ := analysis.Fast(doc, bctx, st)
	state := doc.State(st.BuildOptions())
	var out []fixSaving
	for _, f := range analysis.Assemble(doc, st, fast, nil) {
		if ctx.Err() != nil {
			break
		}
		if f.Rule != copyBeforeInstall {
			continue
		}
		if s, ok := priceFix(rp, hist, before, state, f); ok {
			out = append(out, s)
		}
	}
	return out
}

// priceFix replays hist against doc with f's fix applied; ok is false when
// f has no fix that edits the Dockerfile alone.
func priceFix(rp *cachehistory.Replayer, hist *cachehistory.History, before *cachehistory.Result, state *dockerfile.BuildState, f diagnostics.Finding) (fixSaving, bool) {
	doc := state.Document()
	fixed, ok := applyFix(state, f, rp.Today.Input.Context)
	if !ok {
		return fixSaving{}, false
	}
	build := rp.Today
	build.Input.Doc = fixed
	after, err := rp.Replay(hist, build)
	install := doc.InstructionAt(f.Span.Start)
	if err != nil || install == nil {
		return fixSaving{}, false
	}
	return fixSaving{
		span: f.Span, text: instText(doc, install),
		before: rerunsOf(before, doc, install), after: rerunsOf(after, doc, install),
		saved: before.Reruns - after.Reruns, seconds: before.Seconds - after.Seconds,
	}, true
}

// applyFix is the document after f's preferred fix, when it has one that
// edits the Dockerfile alone.
func applyFix(state *dockerfile.BuildState, f diagnostics.Finding, bctx *buildcontext.Context) (*dockerfile.Document, bool) {
	for _, a := range codeactions.For(state, []diagnostics.Finding{f}, bctx) {
		if a.Finding.Rule != f.Rule || !a.Preferred || a.Disabled != "" || a.Suppresses || len(a.Files) > 0 || len(a.Edits) == 0 {
			continue
		}
		text, err := codeactions.Apply(state.Document().Text, a.Edits)
		if err != nil {
			return nil, false
		}
		return dockerfile.Parse(text), true
	}
	return nil, false
}

// rerunsOf is how often res re-ran the step that is install in doc: the
// step of res's Dockerfile in the same stage with the same command (the
// fix moves the install, it does not change it).
func rerunsOf(res *cachehistory.Result, doc *dockerfile.Document, install *dockerfile.Instruction) int {
	want := strings.Join(strings.Fields(doc.CommandText(install)), " ")
	for _, s := range res.Steps {
		if s.Inst.Stage == install.Stage && strings.Join(strings.Fields(s.Doc.CommandText(s.Inst)), " ") == want {
			return s.Reruns
		}
	}
	return 0
}

// historyHover is the line a hover at off adds on a CopyBeforeInstall
// finding whose fix the last forecast priced, while the document still
// says what it said then; "" otherwise (and while the setting is off).
func (s *Server) historyHover(u uri.URI, doc *dockerfile.Document, off int) string {
	if !u.IsFile() || !historyOn(s.settingsFor(u.FsPath())) {
		return ""
	}
	h := s.history()
	h.mu.Lock()
	var fc *historyForecast
	if e := h.entries[u]; e != nil {
		fc = e.last
	}
	h.mu.Unlock()
	if fc == nil {
		return ""
	}
	inst := doc.InstructionAt(off)
	for _, sv := range fc.savings {
		if sv.span.Start <= off && off <= sv.span.End && inst != nil && instText(doc, inst) == sv.text {
			return features.HistorySaving(fc.commits, sv.before, sv.after, sv.saved, cachehistory.Duration(sv.seconds))
		}
	}
	return ""
}
