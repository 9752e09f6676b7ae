package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/features"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// SemanticTokensFull implements protocol.Server.
func (s *Server) SemanticTokensFull(ctx context.Context, p *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	data := s.encodeTokens(doc, features.SemanticTokens(doc))
	id := s.remember(p.TextDocument.URI, data)
	return &protocol.SemanticTokens{ResultID: &id, Data: data}, nil
}

// SemanticTokensRange implements protocol.Server: the tokens that overlap
// the range, for clients that colour the visible part of a long file first.
func (s *Server) SemanticTokensRange(ctx context.Context, p *protocol.SemanticTokensRangeParams) (*protocol.SemanticTokens, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	start, _ := s.toOffset(doc, p.Range.Start)
	end, _ := s.toOffset(doc, p.Range.End)
	var in []features.Token
	for _, t := range features.SemanticTokens(doc) {
		if t.End > start && t.Start < end {
			in = append(in, t)
		}
	}
	return &protocol.SemanticTokens{Data: s.encodeTokens(doc, in)}, nil
}

// SemanticTokensFullDelta implements protocol.Server: one edit replacing
// what changed between the previous result and this one, or the full
// tokens when the previous result is not the last one sent.
func (s *Server) SemanticTokensFullDelta(ctx context.Context, p *protocol.SemanticTokensDeltaParams) (protocol.SemanticTokensDeltaResult, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	data := s.encodeTokens(doc, features.SemanticTokens(doc))
	prev := s.lastTokens(p.TextDocument.URI)
	id := s.remember(p.TextDocument.URI, data)
	if prev.id == "" || prev.id != p.PreviousResultID {
		return &protocol.SemanticTokens{ResultID: &id, Data: data}, nil
	}
	return &protocol.SemanticTokensDelta{ResultID: &id, Edits: tokenEdits(prev.data, data)}, nil
}

// tokenEdits is the single edit turning old into new: what lies between
// their common prefix and common suffix (none when they are equal).
func tokenEdits(old, new []uint32) []protocol.SemanticTokensEdit {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	if p == len(old) && p == len(new) {
		return []protocol.SemanticTokensEdit{}
	}
	// Keep edits on token boundaries (5 integers per token).
	p -= p % 5
	q := 0
	for q < len(old)-p && q < len(new)-p && old[len(old)-1-q] == new[len(new)-1-q] {
		q++
	}
	q -= q % 5
	return []protocol.SemanticTokensEdit{{
		Start:       uint32(p),
		DeleteCount: uint32(len(old) - p - q),
		Data:        append([]uint32{}, new[p:len(new)-q]...),
	}}
}

// encodeTokens turns tokens (sorted, one line each) into LSP's relative
// encoding, in the session's position encoding.
func (s *Server) encodeTokens(doc *dockerfile.Document, toks []features.Token) []uint32 {
	enc := s.enc()
	data := make([]uint32, 0, 5*len(toks))
	var prev textpos.Pos
	for _, t := range toks {
		start := doc.Lines.Pos(t.Start, enc)
		var length int
		if enc == textpos.UTF8 {
			length = t.End - t.Start
		} else {
			length = doc.Lines.Pos(t.End, enc).Col - start.Col
		}
		if length <= 0 {
			continue
		}
		dl, dc := start.Line-prev.Line, start.Col
		if dl == 0 {
			dc = start.Col - prev.Col
		}
		data = append(data, uint32(dl), uint32(dc), uint32(length), uint32(t.Type), t.Mods)
		prev = start
	}
	return data
}
