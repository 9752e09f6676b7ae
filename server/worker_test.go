package server

import (
	"fmt"
	"testing"
	"time"

	"go.lsp.dev/uri"

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
// what their analysis derived; the one pushed out, and any analysis of it
// that ends afterwards, let it go.
func TestActiveDocuments(t *testing.T) {
	s := &Server{}
	text := []byte("FROM alpine\nRUN apk add curl\n")
	docs := make([]*document, activeDocuments+1)
	for i := range docs {
		docs[i] = newDocument(uri.File(fmt.Sprintf("/d%d/Dockerfile", i)), 1, dockerfile.Parse(text))
		memoised(docs[i].doc, "k")
	}
	for _, d := range docs[:activeDocuments] {
		s.touch(d)
	}
	s.touch(docs[0]) // edited: now the newest, docs[1] the oldest
	s.touch(docs[activeDocuments])
	for i, d := range docs {
		if want := i != 1; memoised(d.doc, "k") != want {
			t.Errorf("document %d: memoised=%v, want %v", i, !want, want)
		}
	}
	memoised(docs[1].doc, "k")
	docs[1].forgetInactive(docs[1].doc)
	if memoised(docs[1].doc, "k") {
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
}
