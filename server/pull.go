package server

import (
	"context"
	"strconv"

	"go.lsp.dev/protocol"
)

func init() {
	capabilityFamilies = append(capabilityFamilies, func(caps *protocol.ServerCapabilities, c protocol.ClientCapabilities) {
		if pullSupported(c) {
			identifier := "dockerfile-ls"
			caps.DiagnosticProvider = &protocol.DiagnosticOptions{Identifier: &identifier}
		}
	})
}

// pullSupported: the client asks for diagnostics (textDocument/diagnostic)
// instead of taking pushed ones; then we never push, or every finding would
// show twice.
func pullSupported(c protocol.ClientCapabilities) bool {
	return c.TextDocument != nil && c.TextDocument.Diagnostic != nil
}

// Diagnostic implements protocol.Server: the findings of the document as it
// was when the request arrived; "unchanged" when the client already has
// this result.
func (s *Server) Diagnostic(ctx context.Context, p *protocol.DocumentDiagnosticParams) (protocol.DocumentDiagnosticReport, error) {
	doc, d := docAt(ctx, p.TextDocument.URI), s.lookup(p.TextDocument.URI)
	if doc == nil || d == nil {
		return &protocol.RelatedFullDocumentDiagnosticReport{FullDocumentDiagnosticReport: protocol.FullDocumentDiagnosticReport{Kind: "full", Items: []protocol.Diagnostic{}}}, nil
	}
	d.mu.Lock()
	id := strconv.Itoa(d.generation)
	d.mu.Unlock()
	if p.PreviousResultID != nil && *p.PreviousResultID == id {
		return &protocol.RelatedUnchangedDocumentDiagnosticReport{UnchangedDocumentDiagnosticReport: protocol.UnchangedDocumentDiagnosticReport{Kind: "unchanged", ResultID: id}}, nil
	}
	_, findings := s.findingsFor(d, doc)
	items := []protocol.Diagnostic{}
	for _, f := range findings {
		items = append(items, s.toDiagnostic(d.uri, doc, f))
	}
	return &protocol.RelatedFullDocumentDiagnosticReport{FullDocumentDiagnosticReport: protocol.FullDocumentDiagnosticReport{Kind: "full", ResultID: &id, Items: items}}, nil
}

// deliver hands a version's findings to the client: pushed, or for a pull
// client a new result id and, once BuildKit's findings are in, a request
// to pull again.
func (s *Server) deliver(d *document, publish func(), buildkitArrived bool) {
	if !s.clientSupports(pullSupported) {
		publish()
		return
	}
	d.mu.Lock()
	d.generation++
	d.mu.Unlock()
	if buildkitArrived && s.clientSupports(func(c protocol.ClientCapabilities) bool {
		return c.Workspace != nil && c.Workspace.Diagnostics != nil && c.Workspace.Diagnostics.RefreshSupport != nil && *c.Workspace.Diagnostics.RefreshSupport
	}) {
		go func() {
			if err := s.client.DiagnosticRefresh(context.Background()); err != nil {
				s.log.Debug("workspace/diagnostic/refresh failed", "err", err)
			}
		}()
	}
}
