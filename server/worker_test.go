package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// memoised reports whether doc's second instruction still holds the value
// derived under key (deriving it afresh when not).
func memoised(doc *dockerfile.Document, key string) bool {
	held := true
	doc.Instructions[1].Derive(key, func() any { held = false; return key })
	return held
}

// TestForgetWhenIdle: an unedited document forgets what was derived from
// it after idleRelease; one edited meanwhile keeps its newer model's.
func TestForgetWhenIdle(t *testing.T) {
	defer func(d time.Duration) { idleRelease = d }(idleRelease)
	idleRelease = 10 * time.Millisecond

	text := []byte("FROM alpine\nRUN apk add curl\n")
	idle := newDocument("file:///a/Dockerfile", 1, dockerfile.Parse(text))
	memoised(idle.doc, "k")
	idle.forgetWhenIdle(idle.doc)

	edited := newDocument("file:///b/Dockerfile", 1, dockerfile.Parse(text))
	edited.forgetWhenIdle(edited.doc)
	newer := dockerfile.Parse([]byte("FROM alpine\nRUN apk add git\n"))
	memoised(newer, "k")
	edited.mu.Lock()
	edited.doc = newer
	edited.mu.Unlock()

	deadline := time.Now().Add(5 * time.Second)
	for {
		idle.mu.Lock()
		held := memoised(idle.doc, "probe")
		idle.mu.Unlock()
		if !held && !memoised(idle.doc, "k") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle document still holds what was derived from it")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(5 * idleRelease)
	if !memoised(newer, "k") {
		t.Error("an edited document forgot its newer model's derived values")
	}
}

// TestActiveDocuments: the documents most recently opened or edited keep
// their model and what their analysis derived; the one pushed out is
// parked (its model let go, its text kept), and an analysis of it that
// ends afterwards lets what it derived go.
func TestActiveDocuments(t *testing.T) {
	s := &Server{docs: map[uri.URI]*document{}}
	text := []byte("FROM alpine\nRUN apk add curl\n")
	docs := make([]*document, activeDocuments+1)
	for i := range docs {
		docs[i] = newDocument(uri.File(fmt.Sprintf("/d%d/Dockerfile", i)), 1, dockerfile.Parse(text))
		s.docs[docs[i].uri] = docs[i]
		memoised(docs[i].doc, "k")
	}
	for _, d := range docs[:activeDocuments] {
		s.touch(d)
	}
	s.touch(docs[0]) // edited: now the newest, docs[1] the oldest
	s.touch(docs[activeDocuments])
	for i, d := range docs {
		if want, parked := i == 1, d.latest.parsed.Load() == nil; parked != want {
			t.Errorf("document %d: parked=%v, want %v", i, parked, want)
		}
	}
	if docs[1].doc != nil {
		t.Error("a parked document still holds its model")
	}
	again := docs[1].latest.doc()
	if string(again.Text) != string(text) || docs[1].doc != again {
		t.Errorf("parsed again: %q (the document's model %p, want %p)", again.Text, docs[1].doc, again)
	}
	memoised(again, "k")
	docs[1].forgetInactive(again)
	if memoised(again, "k") {
		t.Error("an analysis ending after its document went inactive kept what it derived")
	}
	docs[0].forgetInactive(docs[0].doc)
	if !memoised(docs[0].doc, "k") {
		t.Error("an active document forgot what was derived from it")
	}
	s.untouch(docs[0])
	if len(s.active) != activeDocuments-1 {
		t.Errorf("%d active after a close, want %d", len(s.active), activeDocuments-1)
	}
	delete(s.docs, docs[2].uri)
	s.touch(docs[2])
	if len(s.active) != activeDocuments-1 {
		t.Error("a closed document was made active")
	}
}

// TestParkedVersionEdited: a parked version parsed again keeps BuildKit's
// findings (its text has not changed), and an edit on top of it applies
// to its text and moves them.
func TestParkedVersionEdited(t *testing.T) {
	text := []byte("FROM alpine\nrun true\n")
	d := newDocument("file:///p/Dockerfile", 1, dockerfile.Parse(text))
	d.s = &Server{log: slog.New(slog.DiscardHandler)}
	d.buildkit = []diagnostics.Finding{{Rule: "ConsistentInstructionCasing", Span: dockerfile.Span{Start: 12, End: 15}}}
	parked := d.latest
	parked.park()
	if parked.parsed.Load() != nil {
		t.Fatal("not parked")
	}
	if doc := parked.doc(); string(doc.Text) != string(text) || len(d.buildkit) != 1 {
		t.Fatalf("parsed again: %q, BuildKit's findings %v", doc.Text, d.buildkit)
	}
	parked.park()
	d.latest = &docVersion{d: d, version: 2, prev: parked, changes: []protocol.TextDocumentContentChangeEvent{
		&protocol.TextDocumentContentChangePartial{Range: protocol.Range{}, Text: "# top\n"}}}
	doc := d.latest.doc()
	if want := "# top\n" + string(text); string(doc.Text) != want {
		t.Errorf("edited: %q, want %q", doc.Text, want)
	}
	if len(d.buildkit) != 1 || d.buildkit[0].Span.Start != 18 {
		t.Errorf("BuildKit's findings after the edit: %+v, want the one moved to 18", d.buildkit)
	}
}

// startSession runs a session on pipes, initialized, and ends it when
// the test does.
func startSession(t *testing.T) *pipeClient { return startSessionWith(t, "{}") }

// startSessionWith is startSession for a client with these capabilities
// (JSON).
func startSessionWith(t *testing.T, caps string) *pipeClient {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		Run(context.Background(), inR, outW, slog.New(slog.DiscardHandler))
		_ = outW.Close()
	}()
	c := &pipeClient{w: inW, r: bufio.NewReader(outR), out: make(chan map[string]json.RawMessage, 1024)}
	go c.read()
	t.Cleanup(func() {
		_ = inW.Close()
		<-ended
	})
	c.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":` + caps + `}}`)
	c.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	return c
}

// publishWith waits for a publish of version whose diagnostics mention
// text, failing if one mentions never first.
func publishWith(t *testing.T, c *pipeClient, version int, text, never string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.out:
			if !ok {
				t.Fatal("the server ended")
			}
			if string(m["method"]) != `"textDocument/publishDiagnostics"` {
				continue
			}
			params := string(m["params"])
			if strings.Contains(params, never) {
				t.Fatalf("published %s", params)
			}
			if strings.Contains(params, fmt.Sprintf(`"version":%d,`, version)) && strings.Contains(params, text) {
				return
			}
		case <-timeout:
			t.Fatalf("no publish of version %d with %q", version, text)
		}
	}
}

// TestEditCancelsOutdatedPass: an edit stops the BuildKit pass of the
// version it replaces at once (not when the pass ends), the pass for the
// new version runs, and the outdated pass's findings are never published.
func TestEditCancelsOutdatedPass(t *testing.T) {
	started, cancelled := make(chan string, 8), make(chan string, 8)
	release := make(chan struct{}) // lets a pass that was never cancelled end
	hook := checksFunc(func(ctx context.Context, doc *dockerfile.Document, _ diagnostics.BuildKitOptions) []diagnostics.Finding {
		text := string(doc.Text)
		started <- text
		finding := diagnostics.Finding{Rule: "ConsistentInstructionCasing", Category: diagnostics.BuildKit,
			Severity: diagnostics.Warning, Span: dockerfile.Span{Start: 0, End: 4}, Message: "pass over " + strings.TrimSpace(text)}
		if strings.Contains(text, "old") {
			select {
			case <-ctx.Done():
				cancelled <- text
			case <-release:
			}
		}
		return []diagnostics.Finding{finding}
	})
	checksHook.Store(&hook)
	t.Cleanup(func() { checksHook.Store(nil) })
	t.Cleanup(func() { close(release) })

	c := startSession(t)
	const docURI = "untitled:Dockerfile"
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + docURI + `","languageId":"dockerfile","version":1,"text":"FROM alpine old"}}}`)
	if got := <-started; got != "FROM alpine old" {
		t.Fatalf("first pass over %q", got)
	}
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"` + docURI + `","version":2},"contentChanges":[{"text":"FROM alpine new"}]}}`)
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the pass over version 1 was not cancelled by the edit")
	}
	publishWith(t, c, 2, "pass over FROM alpine new", "pass over FROM alpine old")
}

// TestSlowDocumentPassRunsOnce: a BuildKit pass that took longer than
// buildKitTime is not run again for later versions of its document, whose
// publishes carry its findings forward.
func TestSlowDocumentPassRunsOnce(t *testing.T) {
	defer func(d time.Duration) { buildKitTime = d }(buildKitTime)
	buildKitTime = time.Millisecond
	var passes atomic.Int32
	hook := checksFunc(func(context.Context, *dockerfile.Document, diagnostics.BuildKitOptions) []diagnostics.Finding {
		n := passes.Add(1)
		time.Sleep(10 * buildKitTime)
		return []diagnostics.Finding{{Rule: "ConsistentInstructionCasing", Category: diagnostics.BuildKit,
			Severity: diagnostics.Warning, Span: dockerfile.Span{Start: 0, End: 4}, Message: fmt.Sprintf("pass %d", n)}}
	})
	checksHook.Store(&hook)
	t.Cleanup(func() { checksHook.Store(nil) })

	c := startSession(t)
	const docURI = "untitled:Dockerfile"
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + docURI + `","languageId":"dockerfile","version":1,"text":"FROM alpine\n"}}}`)
	publishWith(t, c, 1, "pass 1", "pass 2")
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"` + docURI + `","version":2},"contentChanges":[{"range":{"start":{"line":1,"character":0},"end":{"line":1,"character":0}},"text":"RUN true\n"}]}}`)
	publishWith(t, c, 2, "pass 1", "pass 2")
	time.Sleep(50 * buildKitTime)
	if n := passes.Load(); n != 1 {
		t.Errorf("%d BuildKit passes, want the slow one only", n)
	}
}

// TestEditStopsOutdatedAnalysis: a didChange stops the rules' analysis of
// the version it replaces, and a close that of the last; an analysis
// started for a version already replaced is done from the start.
func TestEditStopsOutdatedAnalysis(t *testing.T) {
	const u = uri.URI("untitled:Dockerfile")
	s := &Server{log: slog.New(slog.DiscardHandler), docs: map[uri.URI]*document{}, passes: newPassQueue()}
	d := s.openDocument(u, 1, []byte("FROM alpine\n"))
	s.docs[u] = d
	first := d.latest
	ctx, done := d.fastContext(first)
	defer done()
	if ctx.Err() != nil {
		t.Fatal("the analysis of the newest version is done before any edit")
	}
	err := s.DidChange(context.Background(), &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: 2},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: protocol.Range{}, Text: "# top\n"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() == nil {
		t.Error("the edit did not stop the analysis of version 1")
	}
	if late, lateDone := d.fastContext(first); late.Err() == nil {
		t.Error("an analysis of version 1 started after the edit is not done")
	} else {
		lateDone()
	}
	last, lastDone := d.fastContext(d.latest)
	defer lastDone()
	d.close()
	if last.Err() == nil {
		t.Error("the close did not stop the analysis of version 2")
	}
}
