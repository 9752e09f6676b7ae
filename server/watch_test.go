package server

import (
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
)

// TestWatchFallbackOnce: concurrent first uses of a build context start
// one watcher, and it is the one kept; none is replaced by a no-op and
// left running.
func TestWatchFallbackOnce(t *testing.T) {
	var logs strings.Builder // slog's handler serialises its writes
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil)), contexts: buildcontext.NewCache(), watchers: map[string]io.Closer{}}
	defer s.contexts.Close()
	for round := range 10 {
		root := t.TempDir()
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				<-start
				s.watchFallback(root)
			})
		}
		close(start)
		wg.Wait()
		s.mu.Lock()
		w := s.watchers[root]
		s.mu.Unlock()
		if _, nop := w.(nopCloser); nop || w == nil {
			t.Fatalf("round %d: the watcher kept is %T, not a running one", round, w)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		// With the kept watcher closed, the root is free to watch again:
		// no other watcher of it was left running.
		again, err := s.contexts.Watch(root, nil)
		if err != nil {
			t.Fatalf("round %d: a watcher of the root was left running: %v", round, err)
		}
		_ = again.Close()
	}
	if strings.Contains(logs.String(), "cannot watch") {
		t.Errorf("a concurrent caller tried to watch a root already being watched:\n%s", logs.String())
	}
}
