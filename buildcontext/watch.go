package buildcontext

import (
	"errors"
	"io"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce batches bursts (git checkout, npm install) into one reload.
const debounce = 150 * time.Millisecond

// watcher is the fallback for clients that cannot watch files themselves.
type watcher struct {
	c        *Cache
	root     string
	fw       *fsnotify.Watcher
	onChange func()

	syncMu  sync.Mutex // serialises sync; guards watched
	watched map[string]bool

	done      chan struct{}
	exited    chan struct{}
	closeOnce sync.Once
}

// Watch watches the context at root with fsnotify: changes invalidate the
// cached contexts under root, start their reloads after a short quiet period
// and then call onChange (may be nil) from the watcher's goroutine.
// Directories walked by a loaded snapshot are watched, so ignored
// directories such as node_modules cost no watches; the list is refreshed
// after every load, so call Get for root first. Close the result when done.
func (c *Cache) Watch(root string, onChange func()) (io.Closer, error) {
	_, real := rootAliases(root)
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{
		c: c, root: real, fw: fw, onChange: onChange,
		watched: map[string]bool{},
		done:    make(chan struct{}), exited: make(chan struct{}),
	}
	c.mu.Lock()
	if c.closed || c.watchers[real] != nil {
		c.mu.Unlock()
		_ = fw.Close()
		if c.closed {
			return nil, ErrClosed
		}
		return nil, errAlreadyWatched
	}
	c.watchers[real] = w
	c.mu.Unlock()
	w.sync()
	go w.run()
	return w, nil
}

// errAlreadyWatched: one watcher per root is enough, whatever the Dockerfile.
var errAlreadyWatched = errors.New("buildcontext: root already watched")

// sync makes the watch list the union of the root and the directories that
// any cached snapshot of root walked.
func (w *watcher) sync() {
	want := map[string]bool{w.root: true}
	for _, snap := range w.c.snapshots(w.root) {
		for i := range snap.entries {
			e := &snap.entries[i]
			if e.isDir() && e.flags&flagSkipped == 0 {
				want[filepath.Join(w.root, filepath.FromSlash(e.path))] = true
			}
		}
	}
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	for dir := range w.watched {
		if !want[dir] {
			_ = w.fw.Remove(dir) // newly ignored or deleted
			delete(w.watched, dir)
		}
	}
	for dir := range want {
		// Re-adding is cheap and restores watches the kernel dropped when a
		// directory was deleted and recreated. Errors (closed watcher,
		// inotify limit, vanished dir) only mean less coverage.
		if w.fw.Add(dir) == nil {
			w.watched[dir] = true
		}
	}
}

func (w *watcher) run() {
	defer close(w.exited)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var pending []string
	for {
		select {
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			pending = append(pending, ev.Name)
			timer.Reset(debounce)
		case _, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			// Typically a queue overflow: events were lost, assume anything
			// under root changed.
			pending = append(pending, w.root)
			timer.Reset(debounce)
		case <-timer.C:
			w.flush(pending)
			pending = nil
		case <-w.done:
			return
		}
	}
}

func (w *watcher) flush(paths []string) {
	w.c.Invalidate(paths)
	w.c.refresh(w.root)
	if w.onChange != nil {
		w.onChange()
	}
}

// Close stops the watcher and waits for its goroutine; safe to call twice.
func (w *watcher) Close() error {
	var err error
	w.closeOnce.Do(func() {
		close(w.done)
		err = w.fw.Close()
		<-w.exited
		w.c.mu.Lock()
		if w.c.watchers[w.root] == w {
			delete(w.c.watchers, w.root)
		}
		w.c.mu.Unlock()
	})
	return err
}
