package server

import (
	"context"
	"encoding/json"
	"errors"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// source names us in every diagnostic.
const source = "dockerfile-ls"

func (s *Server) enc() textpos.Encoding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.encoding
}

// toRange converts a byte span to an LSP range in the session's encoding.
func (s *Server) toRange(doc *dockerfile.Document, sp dockerfile.Span) protocol.Range {
	enc := s.enc()
	return protocol.Range{Start: toPosition(doc.Lines.Pos(sp.Start, enc)), End: toPosition(doc.Lines.Pos(sp.End, enc))}
}

func toPosition(p textpos.Pos) protocol.Position {
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Col)}
}

// toOffset converts an LSP position to a byte offset; a position past the
// end of the text is clamped to the end (clamped reports it).
func (s *Server) toOffset(doc *dockerfile.Document, p protocol.Position) (offset int, clamped bool) {
	off, err := doc.Lines.Offset(textpos.Pos{Line: int(p.Line), Col: int(p.Character)}, s.enc())
	if err != nil {
		return len(doc.Text), true
	}
	return off, false
}

// toEdit converts a change to a text of size bytes with these lines; a
// position past the end is clamped to the end (clamped reports it).
func (s *Server) toEdit(lines *textpos.Lines, size int, c *protocol.TextDocumentContentChangePartial) (e dockerfile.Edit, clamped bool) {
	enc := s.enc()
	offset := func(p protocol.Position) int {
		off, err := lines.Offset(textpos.Pos{Line: int(p.Line), Col: int(p.Character)}, enc)
		if err != nil {
			clamped = true
			return size
		}
		return off
	}
	start, end := offset(c.Range.Start), offset(c.Range.End)
	if end < start {
		start, end = end, start
	}
	return dockerfile.Edit{Start: start, End: end, Text: c.Text}, clamped
}

var severities = map[diagnostics.Severity]protocol.DiagnosticSeverity{
	diagnostics.Error:   protocol.DiagnosticSeverityError,
	diagnostics.Warning: protocol.DiagnosticSeverityWarning,
	diagnostics.Info:    protocol.DiagnosticSeverityInformation,
	diagnostics.Hint:    protocol.DiagnosticSeverityHint,
}

func (s *Server) toDiagnostic(u uri.URI, doc *dockerfile.Document, f diagnostics.Finding) protocol.Diagnostic {
	d := protocol.Diagnostic{
		Range:    s.toRange(doc, f.Span),
		Severity: severities[f.Severity],
		Code:     protocol.String(f.Rule),
		Source:   protocol.NewOptional(source),
		Message:  protocol.String(f.Message),
	}
	if f.DocsURL != "" {
		d.CodeDescription = protocol.CodeDescription{Href: uri.URI(f.DocsURL)}
	}
	if f.Fix != nil {
		d.Data, _ = json.Marshal(f.Fix)
	}
	for _, r := range f.Related {
		d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: u, Range: s.toRange(doc, r.Span)},
			Message:  r.Message,
		})
	}
	if f.Fix != nil && f.Fix.Refused != "" && !s.disabledActions() {
		// No disabled code action can say why the fix is not offered.
		d.Message = protocol.String(f.Message + " No quick fix: " + f.Fix.Refused + ".")
	}
	return d
}

// publish sends the findings of one version; doc nil clears the file.
func (s *Server) publish(u uri.URI, version *int32, doc *dockerfile.Document, fs []diagnostics.Finding) {
	p := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: []protocol.Diagnostic{}}
	if version != nil {
		p.Version = protocol.NewOptional(*version)
	}
	for _, f := range fs {
		p.Diagnostics = append(p.Diagnostics, s.toDiagnostic(u, doc, f))
	}
	switch err := s.client.PublishDiagnostics(context.Background(), p); {
	case errors.Is(err, errTooLarge):
		s.log.Warn("diagnostics not published", "uri", u, "err", err)
	case err != nil:
		s.log.Debug("publishDiagnostics failed", "uri", u, "err", err)
	}
}
