package buildcontext

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce batches bursts (git checkout, npm install) into one reload.
const debounce = 150 * time.Millisecond

// fileEvents is the one fsnotify watcher of a Cache, shared by the watchers
// of every root. Each fsnotify watcher is an inotify instance plus a
// goroutine with a 64 KB read buffer on its stack: one per build context
// cost a hundred open contexts over 12 MB.
type fileEvents struct {
	fw     *fsnotify.Watcher
	exited chan struct{} // closed when the dispatching goroutine ends

	mu   sync.Mutex
	refs map[string]int // watched directory → how many roots watch it
}

// add watches dir (again: re-adding restores a watch the kernel dropped
// when the directory was deleted and recreated). counted says this root
// already holds a reference to dir.
func (ev *fileEvents) add(dir string, counted bool) bool {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.fw.Add(dir) != nil {
		return false // closed watcher, inotify limit, vanished dir: less coverage
	}
	if !counted {
		ev.refs[dir]++
	}
	return true
}

// remove drops one root's reference to dir, and the watch with the last.
func (ev *fileEvents) remove(dir string) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.refs[dir]--; ev.refs[dir] <= 0 {
		delete(ev.refs, dir)
		_ = ev.fw.Remove(dir)
	}
}

// watcher is the fallback for clients that cannot watch files themselves:
// the directories of one root, and the debounced reload when they change.
type watcher struct {
	c        *Cache
	ev       *fileEvents
	root     string
	onChange func(paths []string)

	syncMu  sync.Mutex // serialises sync and Close; guards watched
	watched map[string]bool

	mu      sync.Mutex // guards pending, timer, closed
	pending []string
	timer   *time.Timer
	closed  bool

	flushMu   sync.Mutex // one flush at a time; Close waits for a running one
	closeOnce sync.Once
}

// Watch watches the context at root with fsnotify: changes invalidate the
// cached contexts under root, start their reloads after a short quiet period
// and then call onChange with the changed paths (onChange may be nil; it
// must not Close the watcher).
// Directories walked by a loaded snapshot are watched, so ignored
// directories such as node_modules cost no watches; the list is refreshed
// after every load, so call Get for root first. Close the result when done.
func (c *Cache) Watch(root string, onChange func(paths []string)) (io.Closer, error) {
	_, real := rootAliases(root)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if c.watchers[real] != nil {
		c.mu.Unlock()
		return nil, errAlreadyWatched
	}
	if c.events == nil {
		fw, err := fsnotify.NewWatcher()
		if err != nil {
			c.mu.Unlock()
			return nil, err
		}
		c.events = &fileEvents{fw: fw, exited: make(chan struct{}), refs: map[string]int{}}
		go c.dispatch(c.events)
	}
	w := &watcher{c: c, ev: c.events, root: real, onChange: onChange, watched: map[string]bool{}}
	c.watchers[real] = w
	c.mu.Unlock()
	w.sync()
	return w, nil
}

// errAlreadyWatched: one watcher per root is enough, whatever the Dockerfile.
var errAlreadyWatched = errors.New("buildcontext: root already watched")

// dispatch hands each file event to the watchers of the roots holding it.
func (c *Cache) dispatch(ev *fileEvents) {
	defer close(ev.exited)
	for {
		select {
		case e, ok := <-ev.fw.Events:
			if !ok {
				return
			}
			for _, w := range c.watchersOf(e.Name) {
				w.note(e.Name)
			}
		case _, ok := <-ev.fw.Errors:
			if !ok {
				return
			}
			// Typically a queue overflow: events were lost, assume anything
			// under every root changed.
			for _, w := range c.watchersOf("") {
				w.note(w.root)
			}
		}
	}
}

// watchersOf are the watchers whose root holds path (all of them for "").
func (c *Cache) watchersOf(path string) []*watcher {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*watcher
	for root, w := range c.watchers {
		if path == "" || path == root || strings.HasPrefix(path, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator)) {
			out = append(out, w)
		}
	}
	return out
}

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
	if w.watched == nil {
		return // closed
	}
	for dir := range w.watched {
		if !want[dir] {
			w.ev.remove(dir) // newly ignored or deleted
			delete(w.watched, dir)
		}
	}
	for dir := range want {
		if w.ev.add(dir, w.watched[dir]) {
			w.watched[dir] = true
		}
	}
}

// note records a changed path and (re)starts the quiet period.
func (w *watcher) note(path string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	w.pending = append(w.pending, path)
	if w.timer == nil {
		w.timer = time.AfterFunc(debounce, w.fire)
	} else {
		w.timer.Reset(debounce)
	}
}

// fire runs when the quiet period ends.
func (w *watcher) fire() {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	paths, closed := w.pending, w.closed
	w.pending = nil
	w.mu.Unlock()
	if closed || len(paths) == 0 {
		return
	}
	w.c.Invalidate(paths)
	w.c.refresh(w.root)
	if w.onChange != nil {
		w.onChange(paths)
	}
}

// Close stops the watcher, waiting for a reload it started (and, for the
// last root, for the shared watcher's goroutine); safe to call twice.
func (w *watcher) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closed = true
		if w.timer != nil {
			w.timer.Stop()
		}
		w.mu.Unlock()
		w.flushMu.Lock() // a flush already running ends first
		w.flushMu.Unlock()
		w.syncMu.Lock()
		for dir := range w.watched {
			w.ev.remove(dir)
		}
		w.watched = nil
		w.syncMu.Unlock()
		w.c.mu.Lock()
		if w.c.watchers[w.root] == w {
			delete(w.c.watchers, w.root)
		}
		var last *fileEvents // the shared watcher goes with the last root
		if len(w.c.watchers) == 0 && w.c.events == w.ev {
			last, w.c.events = w.ev, nil
		}
		w.c.mu.Unlock()
		if last != nil {
			_ = last.fw.Close()
			<-last.exited
		}
	})
	return nil
}
