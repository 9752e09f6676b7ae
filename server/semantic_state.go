package server

import (
	"strconv"
	"sync/atomic"

	"go.lsp.dev/uri"
)

// semanticResult is a semantic tokens result sent to the client, kept on
// its document (see document.semantic) so that semanticTokens/full/delta
// can answer with the difference. It goes with the document on didClose,
// and when the document leaves the active ones (see setActive): a delta
// request then gets the full tokens, which the protocol allows.
type semanticResult struct {
	id   string
	data []uint32
}

// semanticIDs numbers the results of every session: an id never repeats.
var semanticIDs atomic.Uint64

// remember records data as the last tokens sent for the open document u
// and returns the result's id.
func (s *Server) remember(u uri.URI, data []uint32) string {
	id := strconv.FormatUint(semanticIDs.Add(1), 10)
	if d := s.lookup(u); d != nil {
		d.mu.Lock()
		d.semantic = semanticResult{id: id, data: data}
		d.mu.Unlock()
	}
	return id
}

// lastTokens is the last result remembered for u (no id when none).
func (s *Server) lastTokens(u uri.URI) semanticResult {
	d := s.lookup(u)
	if d == nil {
		return semanticResult{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.semantic
}
