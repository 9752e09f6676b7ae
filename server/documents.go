package server

import (
	"context"
	"runtime/trace"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// DidOpen implements protocol.Server.
func (s *Server) DidOpen(_ context.Context, p *protocol.DidOpenTextDocumentParams) error {
	item := p.TextDocument
	// The decoder's strings share the request's buffer: a URI kept as is
	// would keep the whole request, text included, for as long as the
	// document stays open.
	item.URI = uri.URI(strings.Clone(string(item.URI)))
	d := s.openDocument(item.URI, item.Version, []byte(item.Text))
	s.mu.Lock()
	if old := s.docs[item.URI]; old != nil {
		s.dropActive(old)
		old.close()
		s.retired[item.URI] = old.done
	}
	// The worker of an earlier open of this file may still be publishing:
	// the new one starts after it, so what the client sees stays in order.
	prev := s.retired[item.URI]
	delete(s.retired, item.URI)
	s.docs[item.URI] = d
	s.mu.Unlock()
	s.touch(d)
	go func() {
		if prev != nil {
			<-prev
		}
		s.work(d)
	}()
	d.poke()
	return nil
}

// DidChange implements protocol.Server: the changes are recorded in
// order, on the read loop, as the document's newest version; they are
// applied off it, by the first request that reads that version or by the
// document's worker (see docVersion).
func (s *Server) DidChange(ctx context.Context, p *protocol.DidChangeTextDocumentParams) error {
	defer trace.StartRegion(ctx, "didChange").End()
	d := s.lookup(p.TextDocument.URI)
	if d == nil {
		s.log.Warn("didChange for a document that is not open; ignored", "uri", p.TextDocument.URI)
		return nil
	}
	s.touch(d)
	d.mu.Lock()
	defer d.mu.Unlock()
	if have := d.latest.version; p.TextDocument.Version <= have {
		s.log.Warn("didChange with an old version; ignored", "uri", d.uri, "version", p.TextDocument.Version, "have", have)
		return nil
	}
	d.latest = &docVersion{d: d, version: p.TextDocument.Version, prev: d.latest, changes: p.ContentChanges}
	d.setUnpublished(true)
	s.passes.edited(time.Now())
	d.buildkitFresh = false
	d.cancelPass() // its findings would be for the old text
	d.cancelFast()
	d.poke()
	return nil
}

// DidClose implements protocol.Server: the worker clears the diagnostics.
func (s *Server) DidClose(_ context.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	delete(s.docs, p.TextDocument.URI)
	if d != nil {
		s.retired[p.TextDocument.URI] = d.done
	}
	s.mu.Unlock()
	if d != nil {
		s.untouch(d)
		d.close()
	}
	s.closeUnusedWatchers()
	return nil
}

func (s *Server) lookup(u uri.URI) *document {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.docs[u]
}

// closeAll stops every worker (on shutdown and at exit).
func (s *Server) closeAll() {
	s.mu.Lock()
	docs := s.docs
	s.docs = map[uri.URI]*document{}
	s.active = nil
	s.mu.Unlock()
	for _, d := range docs {
		d.close()
	}
}

// snapshotKey carries the documents as they were when a request arrived.
type snapshotKey struct{}

type snapshot map[uri.URI]*docVersion

func (s *Server) snapshot() snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := make(snapshot, len(s.docs))
	for u, d := range s.docs {
		d.mu.Lock()
		snap[u] = d.latest
		d.mu.Unlock()
	}
	return snap
}

func withSnapshot(ctx context.Context, snap snapshot) context.Context {
	return context.WithValue(ctx, snapshotKey{}, snap)
}

// docAt returns the document a request refers to, as it was when the
// request arrived, or nil when it is not open. It parses that version if
// nothing has yet: requests call it off the read loop.
func docAt(ctx context.Context, u uri.URI) *dockerfile.Document {
	v := versionAt(ctx, u)
	if v == nil {
		return nil
	}
	if s := v.d.s; s != nil {
		s.touch(v.d) // in use: not parked again under the request's feet
	}
	return v.doc()
}

// versionAt is the version of u a request sees, or nil.
func versionAt(ctx context.Context, u uri.URI) *docVersion {
	snap, _ := ctx.Value(snapshotKey{}).(snapshot)
	return snap[u]
}
