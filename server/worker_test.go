package server

import (
	"testing"
	"time"

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

// TestForgetUnedited: what the analysis derived is let go at once for a
// document the client has not edited, and kept for one being edited.
func TestForgetUnedited(t *testing.T) {
	text := []byte("FROM alpine\nRUN apk add curl\n")
	opened := newDocument("file:///a/Dockerfile", 1, dockerfile.Parse(text))
	memoised(opened.doc, "k")
	opened.forgetUnedited(opened.doc)
	if memoised(opened.doc, "k") {
		t.Error("an unedited document kept what was derived from it")
	}

	typed := newDocument("file:///b/Dockerfile", 1, dockerfile.Parse(text))
	typed.edited = true
	memoised(typed.doc, "k")
	typed.forgetUnedited(typed.doc)
	if !memoised(typed.doc, "k") {
		t.Error("a document being edited forgot what was derived from it")
	}
}
