package server

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
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
	var findings []diagnostics.Finding
	if raw := versionAt(ctx, p.TextDocument.URI).raw; raw != nil {
		findings = []diagnostics.Finding{tooLargeToRead(raw)}
	} else {
		_, findings = s.findingsFor(d, doc)
	}
	items := []protocol.Diagnostic{}
	for _, f := range findings {
		items = append(items, s.toDiagnostic(d.uri, doc, f))
	}
	id, err := resultID(items)
	if err != nil {
		return nil, err
	}
	if p.PreviousResultID != nil && *p.PreviousResultID == id {
		return &protocol.RelatedUnchangedDocumentDiagnosticReport{UnchangedDocumentDiagnosticReport: protocol.UnchangedDocumentDiagnosticReport{Kind: "unchanged", ResultID: id}}, nil
	}
	return &protocol.RelatedFullDocumentDiagnosticReport{FullDocumentDiagnosticReport: protocol.FullDocumentDiagnosticReport{Kind: "full", ResultID: &id, Items: items}}, nil
}

// resultID names a report by its content, so that a client pulling again
// after a re-analysis that found the same things gets "unchanged" (a
// counter of analyses would say "changed" after every context reload).
func resultID(items []protocol.Diagnostic) (string, error) {
	b, err := json.Marshal(items)
	if err != nil {
		return "", fmt.Errorf("diagnostic result id: %w", err)
	}
	h := fnv.New64a()
	h.Write(b)
	return strconv.FormatUint(h.Sum64(), 36), nil
}

// deliver hands a version's findings to the client: pushed, or for a pull
// client, once BuildKit's findings are in, a request to pull again.
func (s *Server) deliver(publish func(), buildkitArrived bool) {
	if !s.clientSupports(pullSupported) {
		publish()
		return
	}
	if buildkitArrived && s.clientSupports(func(c protocol.ClientCapabilities) bool {
		return c.Workspace != nil && c.Workspace.Diagnostics != nil && c.Workspace.Diagnostics.RefreshSupport != nil && *c.Workspace.Diagnostics.RefreshSupport
	}) {
		s.diagnosticsRefresh.ask()
	}
}

// refreshTimeout bounds a refresh request: a client that does not answer
// is asked again on the next occasion.
const refreshTimeout = 10 * time.Second

// refreshDiagnostics asks the client to pull diagnostics again.
func (s *Server) refreshDiagnostics() {
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	if err := s.client.DiagnosticRefresh(ctx); err != nil {
		s.log.Debug("workspace/diagnostic/refresh failed", "err", err)
	}
}
