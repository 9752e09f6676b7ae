package buildcontext

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
	"weak"
)

// getFresh waits until the cache has a snapshot with no load pending.
func getFresh(t *testing.T, c *Cache, root, dockerfile string) *Context {
	t.Helper()
	for range 100 {
		snap, ready, err := c.Get(context.Background(), root, dockerfile)
		if err != nil {
			t.Fatal(err)
		}
		if ready == nil {
			return snap
		}
		select {
		case <-ready:
		case <-time.After(10 * time.Second):
			t.Fatal("load did not finish")
		}
	}
	t.Fatal("snapshot never settled")
	return nil
}

func filesOf(c *Context) int {
	n, _, _ := c.Stats()
	return n
}

func TestCacheGetInvalidate(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]int{"a/x": 1, "b/y": 2})
	c := NewCache()
	defer c.Close()

	snap, ready, err := c.Get(context.Background(), root, "Dockerfile")
	if snap != nil || ready == nil || err != nil {
		t.Fatalf("first Get = %v, %v, %v; want nil snapshot and a channel", snap, ready, err)
	}
	first := getFresh(t, c, root, "Dockerfile")
	if filesOf(first) != 2 {
		t.Fatalf("files = %d", filesOf(first))
	}
	c.Invalidate([]string{"/somewhere/else"})
	if s, ready, _ := c.Get(context.Background(), root, "Dockerfile"); s != first || ready != nil {
		t.Fatal("unrelated change must not reload")
	}

	writeTree(t, root, map[string]int{"a/z": 3})
	c.Invalidate([]string{filepath.Join(root, "a", "z")})
	s, ready, _ := c.Get(context.Background(), root, "Dockerfile")
	if s != first || ready == nil {
		t.Fatal("stale Get must return the old snapshot while reloading")
	}
	if got := filesOf(getFresh(t, c, root, "Dockerfile")); got != 3 {
		t.Fatalf("after reload files = %d, want 3", got)
	}

	// A new ignore file changes the key, so the next Get loads afresh.
	writeFile(t, filepath.Join(root, ".dockerignore"), "a\n")
	c.Invalidate([]string{filepath.Join(root, ".dockerignore")})
	if got := getFresh(t, c, root, "Dockerfile"); filesOf(got) != 2 || got.IgnoreFile() == "" {
		t.Fatalf("with .dockerignore: files = %d, ignore %q", filesOf(got), got.IgnoreFile())
	}
}

func TestCacheConcurrent(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]int{"a/x": 1, "b/y": 2})
	c := NewCache()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 50 {
				if i%2 == 0 {
					c.Invalidate([]string{filepath.Join(root, "a")})
				}
				if snap, _, _ := c.Get(context.Background(), root, ""); snap != nil {
					_ = snap.Match("a")
					_ = snap.Sent([]string{"*"})
				}
			}
		})
	}
	wg.Wait()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Get(context.Background(), root, ""); err != ErrClosed {
		t.Fatalf("Get after Close = %v", err)
	}
}

func TestCacheWatch(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]int{"src/a": 1, "node_modules/p/i.js": 2})
	writeFile(t, filepath.Join(root, ".dockerignore"), "node_modules\n")
	c := NewCache()
	defer c.Close()
	getFresh(t, c, root, "")

	changed := make(chan struct{}, 16)
	w, err := c.Watch(root, func([]string) {
		select { // never block the watcher goroutine
		case changed <- struct{}{}:
		default:
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	watched := watchedDirs(c, root)
	if !watched["src"] || watched["node_modules"] || watched["node_modules/p"] {
		t.Fatalf("watched = %v: want src, not the ignored node_modules", watched)
	}
	if _, err := c.Watch(root, nil); err == nil {
		t.Fatal("second Watch of the same root should fail")
	}

	drain(changed)
	writeTree(t, root, map[string]int{"src/b": 5})
	waitChange(t, changed)
	if got := filesOf(getFresh(t, c, root, "")); got != 3 { // src/a, src/b, .dockerignore
		t.Fatalf("files after change = %d", got)
	}

	// A new directory is picked up after the reload, then watched.
	drain(changed)
	if err := os.Mkdir(filepath.Join(root, "new"), 0o755); err != nil {
		t.Fatal(err)
	}
	waitChange(t, changed)
	getFresh(t, c, root, "")
	waitFor(t, func() bool { return watchedDirs(c, root)["new"] })
	drain(changed)
	writeTree(t, root, map[string]int{"new/f": 7})
	waitChange(t, changed)
	if got := getFresh(t, c, root, ""); !got.Exists("new/f") {
		t.Fatal("file in new directory not seen")
	}

	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_ = w.Close() // idempotent
}

// TestCacheWatchNestedRoots: the roots share one fsnotify watcher; a
// change under both reaches both, and closing the outer one keeps the
// inner one's watches (a directory watched for two roots stays watched
// until neither needs it).
func TestCacheWatchNestedRoots(t *testing.T) {
	outer := t.TempDir()
	inner := filepath.Join(outer, "svc")
	writeTree(t, outer, map[string]int{"svc/src/a": 1, "docs/x": 1})
	c := NewCache()
	defer c.Close()
	getFresh(t, c, outer, "")
	getFresh(t, c, inner, "")
	notify := func(ch chan struct{}) func([]string) {
		return func([]string) {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
	outerChanged, innerChanged := make(chan struct{}, 16), make(chan struct{}, 16)
	wOuter, err := c.Watch(outer, notify(outerChanged))
	if err != nil {
		t.Fatal(err)
	}
	wInner, err := c.Watch(inner, notify(innerChanged))
	if err != nil {
		t.Fatal(err)
	}
	defer wInner.Close()

	writeTree(t, outer, map[string]int{"svc/src/b": 2})
	waitChange(t, outerChanged)
	waitChange(t, innerChanged)

	drain(outerChanged)
	drain(innerChanged)
	writeTree(t, outer, map[string]int{"docs/y": 2})
	waitChange(t, outerChanged)
	time.Sleep(2 * debounce) // the inner watcher's reload would have fired by now
	if len(innerChanged) != 0 {
		t.Fatal("a change outside the inner root reached its watcher")
	}

	if err := wOuter.Close(); err != nil {
		t.Fatal(err)
	}
	drain(innerChanged)
	writeTree(t, outer, map[string]int{"svc/src/c": 3})
	waitChange(t, innerChanged)
	if got := getFresh(t, c, inner, ""); !got.Exists("src/c") {
		t.Fatal("inner root did not reload after the outer watcher closed")
	}
}

func watchedDirs(c *Cache, root string) map[string]bool {
	_, real := rootAliases(root)
	c.mu.Lock()
	w := c.watchers[real]
	c.mu.Unlock()
	out := map[string]bool{}
	if w == nil {
		return out
	}
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	for d := range w.watched {
		rel, _ := filepath.Rel(real, d)
		out[filepath.ToSlash(rel)] = true
	}
	return out
}

// drain drops notifications from earlier bursts so the next wait is for the
// next change.
func drain(ch <-chan struct{}) {
	time.Sleep(2 * debounce)
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func waitChange(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no change notification")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// gatedCache is a cache whose loads wait for release (closed by the
// caller) before walking.
func gatedCache(release <-chan struct{}) *Cache {
	c := NewCache()
	c.load = func(ctx context.Context, root, dockerfile string) (*Context, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return Load(ctx, root, dockerfile)
	}
	return c
}

// TestCacheWait: Wait returns once the first load ends, or when the
// caller gives up first; with a snapshot, it does not wait for reloads.
func TestCacheWait(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]int{"a": 1})
	release := make(chan struct{})
	c := gatedCache(release)
	defer c.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if snap, err := c.Wait(ctx, root, ""); snap != nil || err != context.Canceled {
		t.Fatalf("Wait with a cancelled context = %v, %v", snap, err)
	}
	got := make(chan *Context)
	go func() {
		snap, _ := c.Wait(context.Background(), root, "")
		got <- snap
	}()
	close(release)
	first := <-got
	if first == nil || filesOf(first) != 1 {
		t.Fatalf("Wait = %v", first)
	}
	c.Invalidate([]string{filepath.Join(root, "a")})
	if snap, err := c.Wait(context.Background(), root, ""); snap != first || err != nil {
		t.Fatalf("Wait during a reload = %v, %v; want the snapshot at hand", snap, err)
	}
}

// TestCacheAfterLoad: a burst of callers with one key during one load
// gets one call when it ends; another key gets its own; none come after
// Close.
func TestCacheAfterLoad(t *testing.T) {
	root := t.TempDir()
	release := make(chan struct{})
	c := gatedCache(release)
	var mu sync.Mutex
	calls := map[string]int{}
	done := make(chan struct{}, 16)
	count := func(key string) func() {
		return func() {
			mu.Lock()
			calls[key]++
			mu.Unlock()
			done <- struct{}{}
		}
	}
	_, ready, _ := c.Get(context.Background(), root, "")
	for range 5 {
		c.AfterLoad("doc", ready, count("doc"))
	}
	c.AfterLoad("sizes", ready, count("sizes"))
	close(release)
	<-done
	<-done
	mu.Lock()
	if calls["doc"] != 1 || calls["sizes"] != 1 {
		t.Errorf("calls = %v, want one per key", calls)
	}
	mu.Unlock()

	c.Invalidate([]string{root})
	_, ready, _ = c.Get(context.Background(), root, "")
	if ready == nil {
		t.Fatal("no reload after Invalidate")
	}
	c.AfterLoad("doc", ready, count("after close"))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	<-ready
	select {
	case <-done:
		t.Error("AfterLoad called after Close")
	case <-time.After(50 * time.Millisecond):
	}
}

// TestCacheRetain: a context no open document uses lets its snapshot go
// (issue 18: a million-file folder kept 68 MB live after its last close);
// the ones still used stay.
func TestCacheRetain(t *testing.T) {
	used, dropped := t.TempDir(), t.TempDir()
	writeTree(t, used, map[string]int{"a": 1})
	writeTree(t, dropped, map[string]int{"b": 1})
	c := NewCache()
	defer c.Close()
	keep := getFresh(t, c, used, "")
	gone := weak.Make(getFresh(t, c, dropped, ""))
	c.Retain([]string{used})
	runtime.GC()
	runtime.GC()
	if gone.Value() != nil {
		t.Error("the snapshot of a context no document uses is still live")
	}
	if again := getFresh(t, c, used, ""); again != keep {
		t.Error("the context still used was dropped and loaded again")
	}
}
