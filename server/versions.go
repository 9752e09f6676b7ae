package server

import (
	"fmt"
	"slices"
	"sync/atomic"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
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
	// raw is the text when it is too large to parse (see docText), set
	// before parsed.
	raw []byte
	// parked: text is the text of the parsed document this version had
	// (see park), to be parsed again as it was.
	parked bool
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
	var t docText
	var edits []dockerfile.Edit // since the last whole new text
	replaced := x.text != nil
	if x.parked {
		d.unpark(x)
		return
	}
	if replaced {
		t = textOf(x.text)
	} else {
		t = docText{doc: x.prev.parsed.Load(), raw: x.prev.raw}
	}
	for _, ch := range x.changes {
		switch c := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			t, edits, replaced = textOf([]byte(c.Text)), nil, true
		case *protocol.TextDocumentContentChangePartial:
			next, e, err := d.apply(t, c)
			switch {
			case err != nil:
				d.s.log.Warn("didChange edit rejected", "uri", d.uri, "err", err)
			case e == nil:
				t, edits, replaced = next, nil, true
			default:
				t, edits = next, append(edits, *e)
			}
		}
	}
	x.raw = t.raw
	x.parsed.Store(t.doc)
	x.text, x.prev, x.changes = nil, nil, nil

	d.mu.Lock()
	defer d.mu.Unlock()
	if replaced {
		d.buildkit = nil
	}
	for _, e := range edits {
		d.buildkit = diagnostics.Shift(d.buildkit, e)
	}
	d.doc, d.version = t.doc, x.version
}

// park lets go of v's parsed document (the model and all that was derived
// from it: a 2,000-line file's takes about 1.5 MB, its text 100 KB), keeping
// its text to parse again as it was when next needed. Only the newest
// version of a document not in use is parked (see document.parkIfInactive).
// It never waits: a parse under way ends with a call of its own.
func (v *docVersion) park() {
	d := v.d
	if !d.parseMu.TryLock() {
		return
	}
	defer d.parseMu.Unlock()
	doc := v.parsed.Load()
	d.mu.Lock()
	defer d.mu.Unlock()
	if doc == nil || v.raw != nil || d.latest != v || d.active || d.closed {
		return
	}
	v.text, v.parked = doc.Text, true
	v.parsed.Store(nil)
	if d.doc == doc {
		d.doc = nil
	}
	if d.idle != nil { // its function holds the document
		d.idle.Stop()
		d.idle = nil
	}
}

// unpark parses a parked version again (d.parseMu held): the same text, so
// BuildKit's findings still hold.
func (d *document) unpark(x *docVersion) {
	doc := dockerfile.Parse(x.text)
	x.parsed.Store(doc)
	x.text, x.parked = nil, false
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.version == x.version {
		d.doc = doc
	}
}

// docText is a version's text: parsed, or, past budget.MaxDockerfile,
// kept as it came (raw), an empty document standing for it. A 25 MB file
// took 40 s and 1.4 GB to parse; `check` refuses to read such a file.
type docText struct {
	doc *dockerfile.Document
	raw []byte // the text when it is too large to parse; nil otherwise
}

func textOf(text []byte) docText {
	if len(text) > budget.MaxDockerfile {
		return docText{doc: dockerfile.Parse(nil), raw: text}
	}
	return docText{doc: dockerfile.Parse(text)}
}

// apply applies one change to t. The edit is given back when it was
// applied to the parsed text in place (BuildKit's findings move with it);
// nil when the text was parsed anew or is, or was, too large.
func (d *document) apply(t docText, c *protocol.TextDocumentContentChangePartial) (docText, *dockerfile.Edit, error) {
	text, lines := t.doc.Text, t.doc.Lines
	if t.raw != nil {
		text, lines = t.raw, textpos.NewLines(t.raw)
	}
	e, clamped := d.s.toEdit(lines, len(text), c)
	if clamped {
		d.s.log.Warn("didChange range past the end of the document; clamped to the end", "uri", d.uri, "range", c.Range)
	}
	if t.raw == nil && len(text)-(e.End-e.Start)+len(e.Text) <= budget.MaxDockerfile {
		next, err := t.doc.Apply(e)
		if err != nil {
			return t, nil, fmt.Errorf("applying an edit: %w", err)
		}
		return docText{doc: next}, &e, nil
	}
	return textOf(slices.Concat(text[:e.Start], []byte(e.Text), text[e.End:])), nil, nil
}

// tooLargeToRead is the one finding of a text too large to parse.
func tooLargeToRead(raw []byte) diagnostics.Finding {
	return diagnostics.OverBudget(dockerfile.Span{}, fmt.Sprintf(
		"this file is %.1f MiB, over the %d MiB that dockerfile-ls reads: it is neither parsed nor analysed, and editing features are off for it",
		float64(len(raw))/(1<<20), budget.MaxDockerfile>>20))
}
