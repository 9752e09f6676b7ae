package server

import (
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestForgetWhenIdle: an unedited document is replaced by its forgotten
// copy (same text) after idleRelease; one edited meanwhile keeps its
// newer model.
func TestForgetWhenIdle(t *testing.T) {
	defer func(d time.Duration) { idleRelease = d }(idleRelease)
	idleRelease = 10 * time.Millisecond

	text := []byte("FROM alpine\nRUN apk add curl\n")
	idle := newDocument("file:///a/Dockerfile", 1, dockerfile.Parse(text))
	idle.forgetWhenIdle(idle.doc)
	original := idle.doc

	edited := newDocument("file:///b/Dockerfile", 1, dockerfile.Parse(text))
	edited.forgetWhenIdle(edited.doc)
	newer := dockerfile.Parse([]byte("FROM alpine\nRUN apk add git\n"))
	edited.mu.Lock()
	edited.doc = newer
	edited.mu.Unlock()

	deadline := time.Now().Add(5 * time.Second)
	for {
		idle.mu.Lock()
		doc := idle.doc
		idle.mu.Unlock()
		if doc != original {
			if string(doc.Text) != string(text) {
				t.Fatalf("forgotten copy has other text: %q", doc.Text)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle document was not released")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(5 * idleRelease)
	edited.mu.Lock()
	defer edited.mu.Unlock()
	if edited.doc != newer {
		t.Error("an edited document was replaced by the copy of its old version")
	}
}
