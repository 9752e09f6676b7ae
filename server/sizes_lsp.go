package server

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/sizes"
)

// Size hints: package sizes computes them, this file shows them as inlay
// hints or code lenses. Both capabilities are declared; the "sizes" setting
// (initializationOptions or workspace/configuration, read by settings.go:
// "inlayHints", the default, "codeLens" or "off") picks which request is
// answered, the other gets an empty list. The build context is the
// server's own cache (s.contexts), the same snapshot the diagnostics use;
// when a load is still running the answer leaves the COPY sizes out and
// the client is asked to refresh once it ends.

func init() {
	capabilityFamilies = append(capabilityFamilies, func(caps *protocol.ServerCapabilities, _ protocol.ClientCapabilities) {
		caps.InlayHintProvider = &protocol.InlayHintOptions{}
		caps.CodeLensProvider = &protocol.CodeLensOptions{}
	})
}

// Values of the "sizes" setting.
const (
	sizesInlayHints = "inlayHints"
	sizesCodeLens   = "codeLens"
	sizesOff        = "off"
)

// sizesMode reads the setting; anything unknown means the default.
func sizesMode(st config.Settings) string {
	switch strings.ToLower(strings.TrimSpace(st.Sizes)) {
	case "codelens", "codelenses", "lens":
		return sizesCodeLens
	case "off", "none", "false", "disabled":
		return sizesOff
	}
	return sizesInlayHints
}

// sizeHints computes the hints of a document as it was when the request
// arrived; ok is false when it is not open or the setting asks for the
// other presentation.
func (s *Server) sizeHints(ctx context.Context, u uri.URI, want string) (*dockerfile.Document, []sizes.Hint, bool) {
	doc := docAt(ctx, u)
	if doc == nil {
		return nil, nil, false
	}
	path := ""
	if u.IsFile() {
		path = u.FsPath()
	}
	st := s.settingsFor(path)
	if sizesMode(st) != want {
		return nil, nil, false
	}
	return doc, sizes.HintsFor(doc.State(st.BuildOptions()), s.sizesContext(ctx, path, st)), true
}

// sizesContext is the build context snapshot of the Dockerfile at path
// (nil for unsaved documents and while the first load runs, in which case
// the client is asked to refresh when it ends).
func (s *Server) sizesContext(ctx context.Context, path string, st config.Settings) *buildcontext.Context {
	if path == "" {
		return nil
	}
	root := st.ContextRoot(path)
	snap, ready, err := s.contexts.Get(ctx, root, path)
	if err != nil {
		s.log.Debug("build context unavailable for size hints", "path", path, "err", err)
	}
	if ready != nil {
		s.contexts.AfterLoad(sizesRefresh{root}, ready, s.sizeHintsRefresh.ask)
	}
	return snap
}

// InlayHint implements protocol.Server.
func (s *Server) InlayHint(ctx context.Context, p *protocol.InlayHintParams) ([]protocol.InlayHint, error) {
	out := []protocol.InlayHint{}
	doc, hints, ok := s.sizeHints(ctx, p.TextDocument.URI, sizesInlayHints)
	if !ok {
		return out, nil
	}
	start, _ := s.toOffset(doc, p.Range.Start)
	end, _ := s.toOffset(doc, p.Range.End)
	enc := s.enc()
	pad := true
	for _, h := range hints {
		if h.Offset < start || h.Offset > end {
			continue
		}
		ih := protocol.InlayHint{
			Position:    toPosition(doc.Lines.Pos(h.Offset, enc)),
			Label:       protocol.String(h.Label),
			PaddingLeft: &pad,
		}
		if h.Tooltip != "" {
			ih.Tooltip = markdown(h.Tooltip)
		}
		out = append(out, ih)
	}
	return out, nil
}

// CodeLens implements protocol.Server: the size lenses (one per hint, on
// the instruction's first line, when the "sizes" setting asks for lenses)
// and the cache history's (history.go, when cacheHistory.codeLens is on).
// Their commands do nothing: a lens is a label.
func (s *Server) CodeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	out := s.sizeLenses(ctx, p.TextDocument.URI)
	return append(out, s.historyLenses(ctx, p.TextDocument.URI)...), nil
}

// sizeLenses are the size hints as lenses.
func (s *Server) sizeLenses(ctx context.Context, u uri.URI) []protocol.CodeLens {
	out := []protocol.CodeLens{}
	doc, hints, ok := s.sizeHints(ctx, u, sizesCodeLens)
	if !ok {
		return out
	}
	for _, h := range hints {
		lens := protocol.CodeLens{
			Range:   s.toRange(doc, h.Inst.KeywordSpan),
			Command: protocol.Command{Title: h.Label},
		}
		if h.Tooltip != "" {
			tip := h.Tooltip
			lens.Command.Tooltip = &tip
		}
		out = append(out, lens)
	}
	return out
}

// sizesRefresh keys the one refresh of size hints awaited per context
// load (see buildcontext.Cache.AfterLoad).
type sizesRefresh struct{ root string }

// refreshSizes sends workspace/inlayHint/refresh and
// workspace/codeLens/refresh to a client that supports them (also the
// thing to call when the "sizes" setting changes, or a cache history
// forecast is ready).
func (s *Server) refreshSizes() {
	inlay := s.clientSupports(func(c protocol.ClientCapabilities) bool {
		return c.Workspace != nil && c.Workspace.InlayHint != nil && c.Workspace.InlayHint.RefreshSupport != nil && *c.Workspace.InlayHint.RefreshSupport
	})
	lens := s.clientSupports(func(c protocol.ClientCapabilities) bool {
		return c.Workspace != nil && c.Workspace.CodeLens != nil && c.Workspace.CodeLens.RefreshSupport != nil && *c.Workspace.CodeLens.RefreshSupport
	})
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	if inlay {
		if err := s.client.InlayHintRefresh(ctx); err != nil {
			s.log.Debug("workspace/inlayHint/refresh failed", "err", err)
		}
	}
	if lens {
		if err := s.client.CodeLensRefresh(ctx); err != nil {
			s.log.Debug("workspace/codeLens/refresh failed", "err", err)
		}
	}
}
