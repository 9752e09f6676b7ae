package server

import (
	"slices"
	"sync/atomic"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// docVersion is one version of an open document as the client sent it:
// its text, or its changes to the version before, parsed when first needed
// by a request that reads it or by the document's worker, never on the
// read loop. Parsing a file, or applying an edit to it, takes as long as
// the file is large (100,000 continuation lines took seconds), and on the
// read loop every message of every document waited behind it.
type docVersion struct {
	d       *document
	version int32
	parsed  atomic.Pointer[dockerfile.Document]

	// Until parsed, guarded by d.parseMu: the text of a didOpen, or the
	// changes of a didChange to prev. Let go once parsed.
	text    []byte
	prev    *docVersion
	changes []protocol.TextDocumentContentChangeEvent
}

// parsedVersion is a version whose document is already parsed.
func parsedVersion(d *document, version int32, doc *dockerfile.Document) *docVersion {
	v := &docVersion{d: d, version: version}
	v.parsed.Store(doc)
	return v
}

// doc is the version's document, parsing it first, and the versions
// before it that are not parsed yet, oldest first.
func (v *docVersion) doc() *dockerfile.Document {
	if doc := v.parsed.Load(); doc != nil {
		return doc
	}
	d := v.d
	d.parseMu.Lock()
	defer d.parseMu.Unlock()
	var todo []*docVersion
	for x := v; x != nil && x.parsed.Load() == nil; x = x.prev {
		todo = append(todo, x)
	}
	for _, x := range slices.Backward(todo) {
		d.parse(x)
	}
	return v.parsed.Load()
}

// parse parses x, whose previous version is parsed (d.parseMu held), and
// makes it the document's current text: BuildKit's findings move with its
// edits, as the previous version's, or go with a whole new text.
func (d *document) parse(x *docVersion) {
	var doc *dockerfile.Document
	var edits []dockerfile.Edit // since the last whole new text
	replaced := x.text != nil
	if replaced {
		doc = dockerfile.Parse(x.text)
	} else {
		doc = x.prev.parsed.Load()
	}
	for _, ch := range x.changes {
		switch c := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			doc, edits, replaced = dockerfile.Parse([]byte(c.Text)), nil, true
		case *protocol.TextDocumentContentChangePartial:
			e, clamped := d.s.toEdit(doc, c)
			if clamped {
				d.s.log.Warn("didChange range past the end of the document; clamped to the end", "uri", d.uri, "range", c.Range)
			}
			next, err := doc.Apply(e)
			if err != nil {
				d.s.log.Warn("didChange edit rejected", "uri", d.uri, "err", err)
				continue
			}
			doc, edits = next, append(edits, e)
		}
	}
	x.parsed.Store(doc)
	x.text, x.prev, x.changes = nil, nil, nil

	d.mu.Lock()
	defer d.mu.Unlock()
	if replaced {
		d.buildkit = nil
	}
	for _, e := range edits {
		d.buildkit = diagnostics.Shift(d.buildkit, e)
	}
	d.doc, d.version = doc, x.version
}
