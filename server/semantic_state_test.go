package server

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
	"weak"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

const semanticText = "FROM alpine:3.19\nARG V=1\nRUN echo $V\n"

// openForTokens adds an open document to s as DidOpen does, without a
// worker (nothing here publishes).
func openForTokens(s *Server, u uri.URI, text string) {
	d := newDocument(u, 1, dockerfile.Parse([]byte(text)))
	s.mu.Lock()
	s.docs[u] = d
	s.mu.Unlock()
	s.touch(d)
}

// fullTokens asks for a document's tokens as a client does.
func fullTokens(t *testing.T, s *Server, u uri.URI) *protocol.SemanticTokens {
	t.Helper()
	ctx := withSnapshot(context.Background(), s.snapshot())
	res, err := s.SemanticTokensFull(ctx, &protocol.SemanticTokensParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	if err != nil || res == nil || len(res.Data) == 0 {
		t.Fatalf("semanticTokens/full = %v, %v", res, err)
	}
	return res
}

func newTokensServer() *Server {
	return &Server{docs: map[uri.URI]*document{}, retired: map[uri.URI]chan struct{}{}}
}

// TestSemanticDeltaState: a delta answers from the last result sent for
// the document; the tokens kept for it go when it is closed.
func TestSemanticDeltaState(t *testing.T) {
	s := newTokensServer()
	u := uri.URI("untitled:Dockerfile")
	openForTokens(s, u, semanticText)
	first := fullTokens(t, s, u)
	ctx := withSnapshot(context.Background(), s.snapshot())
	delta, err := s.SemanticTokensFullDelta(ctx, &protocol.SemanticTokensDeltaParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, PreviousResultID: *first.ResultID})
	if d, ok := delta.(*protocol.SemanticTokensDelta); err != nil || !ok || len(d.Edits) != 0 {
		t.Fatalf("delta against the last result = %#v, %v; want no edits", delta, err)
	}

	kept := weak.Make(&fullTokens(t, s, u).Data[0])
	if err := s.DidClose(context.Background(), &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		runtime.GC()
		if kept.Value() == nil {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Error("the tokens last sent for a closed document are still held")
}

// TestSemanticStateBounded: only the active documents keep their last
// tokens; a delta for another one gets the full tokens.
func TestSemanticStateBounded(t *testing.T) {
	s := newTokensServer()
	ids := map[uri.URI]string{}
	var order []uri.URI
	for i := range activeDocuments + 1 {
		u := uri.URI(fmt.Sprintf("untitled:Dockerfile%d", i))
		openForTokens(s, u, semanticText)
		ids[u] = *fullTokens(t, s, u).ResultID
		order = append(order, u)
	}
	for i, u := range order {
		held := s.lastTokens(u).id == ids[u]
		if want := i > 0; held != want {
			t.Errorf("document %d keeps its tokens: %v, want %v", i, held, want)
		}
	}
	ctx := withSnapshot(context.Background(), s.snapshot())
	res, err := s.SemanticTokensFullDelta(ctx, &protocol.SemanticTokensDeltaParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: order[0]}, PreviousResultID: ids[order[0]]})
	if full, ok := res.(*protocol.SemanticTokens); err != nil || !ok || len(full.Data) == 0 {
		t.Errorf("delta for an inactive document = %#v, %v; want the full tokens", res, err)
	}
}
