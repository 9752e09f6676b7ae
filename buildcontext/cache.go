package buildcontext

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"strings"
	"sync"
)

// ErrClosed is returned by a Cache after Close.
var ErrClosed = errors.New("buildcontext: cache closed")

// Cache holds loaded contexts keyed by (root, ignore file) and reloads them
// in the background, so editor requests never wait for a walk once a first
// snapshot exists. Safe for concurrent use.
type Cache struct {
	// Allow, when set (before the first Get), is asked about every context
	// root and Dockerfile before anything is read for them; a root it
	// returns an error for is not loaded, and Get returns that error (see
	// Scope.Check).
	Allow func(root, dockerfile string) error
	// Failed, when set, is told of every load that ends in an error, but
	// for loads the cache's Close cut short; root is as resolved. It runs
	// on the load's goroutine, with no lock held.
	Failed func(root string, err error)

	ctx    context.Context // lives as long as the cache; cancels loads on Close
	cancel context.CancelFunc
	load   func(ctx context.Context, root, dockerfile string) (*Context, error)
	wg     sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	entries  map[cacheKey]*cached
	watchers map[string]*watcher  // by resolved root
	events   *fileEvents          // shared by the watchers; nil until the first Watch
	waits    map[waitKey]struct{} // the AfterLoad calls waiting
}

type cacheKey struct{ root, ignore string }

type cached struct {
	aliases    []string // root as given and as resolved, for Invalidate
	dockerfile string   // any Dockerfile using this ignore file, for reloads
	snap       *Context
	err        error
	gen        uint64        // bumped by Invalidate
	loadedGen  uint64        // gen the current snap was loaded at
	loaded     bool          // a load has finished at least once
	ready      chan struct{} // non-nil while a load runs; closed when it ends
}

// NewCache returns an empty cache; call Close when done.
func NewCache() *Cache {
	ctx, cancel := context.WithCancel(context.Background())
	return &Cache{
		ctx:      ctx,
		cancel:   cancel,
		load:     Load,
		entries:  map[cacheKey]*cached{},
		watchers: map[string]*watcher{},
		waits:    map[waitKey]struct{}{},
	}
}

// Get returns the latest snapshot for the context root and Dockerfile (nil
// before the first load finishes) and, when a load is running or was just
// started, a channel closed when it ends; call Get again then. err is the
// last load's error. The load runs on the cache's lifetime, not ctx: its
// result is shared, so one cancelled request must not abort it; a ctx that
// is already done only prevents starting a new load.
func (c *Cache) Get(ctx context.Context, root, dockerfile string) (snap *Context, ready <-chan struct{}, err error) {
	if dockerfile != "" && !filepath.IsAbs(dockerfile) {
		dockerfile = filepath.Join(absClean(root), dockerfile)
	}
	if c.Allow != nil {
		if err := c.Allow(root, dockerfile); err != nil {
			return nil, nil, err
		}
	}
	abs, real := rootAliases(root)
	key := cacheKey{real, FindIgnoreFile(real, dockerfile)}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, nil, ErrClosed
	}
	e := c.entries[key]
	if e == nil {
		e = &cached{aliases: []string{abs, real}, dockerfile: dockerfile}
		c.entries[key] = e
	}
	if e.ready == nil && (!e.loaded || e.loadedGen != e.gen) && ctx.Err() == nil {
		c.startLoad(key, e)
	}
	if e.ready == nil {
		return e.snap, nil, e.err
	}
	return e.snap, e.ready, e.err
}

// Wait is Get for callers that need a snapshot: while the first load
// runs it waits for it, or for ctx; once a snapshot exists it returns it
// at once (reloading in the background as Get does). The snapshot is nil
// when the load failed (err says why) or ctx ended first.
func (c *Cache) Wait(ctx context.Context, root, dockerfile string) (*Context, error) {
	for {
		snap, ready, err := c.Get(ctx, root, dockerfile)
		if snap == nil && ready == nil && err == nil {
			err = ctx.Err() // done before the first load could start
		}
		if snap != nil || ready == nil {
			return snap, err
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// AfterLoad calls then once the load behind ready (from Get) ends, unless
// the cache closes first. Calls with the same key for the same load add
// nothing: a burst of keystrokes during one load waits once.
func (c *Cache) AfterLoad(key any, ready <-chan struct{}, then func()) {
	k := waitKey{key, ready}
	c.mu.Lock()
	_, waiting := c.waits[k]
	skip := waiting || c.closed || ready == nil
	if !skip {
		c.waits[k] = struct{}{}
	}
	c.mu.Unlock()
	if skip {
		return
	}
	go func() {
		<-ready // Close cancels and waits for every load, so this ends
		c.mu.Lock()
		delete(c.waits, k)
		closed := c.closed
		c.mu.Unlock()
		if !closed {
			then()
		}
	}()
}

// waitKey is one AfterLoad caller's wait for one load.
type waitKey struct {
	key   any
	ready <-chan struct{}
}

// rootAliases returns the absolute root and its symlink-resolved form; paths
// from the editor may use either.
func rootAliases(root string) (abs, real string) {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = filepath.Clean(root)
	}
	real, err = filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	return abs, real
}

// startLoad must be called with c.mu held.
func (c *Cache) startLoad(key cacheKey, e *cached) {
	done := make(chan struct{})
	e.ready = done
	gen := e.gen
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		snap, err := c.load(c.ctx, key.root, e.dockerfile)
		c.mu.Lock()
		if err == nil {
			e.snap = snap
		}
		e.err, e.loaded, e.loadedGen = err, true, gen
		e.ready = nil
		close(done)
		w := c.watchers[key.root]
		c.mu.Unlock()
		if w != nil && snap != nil {
			w.sync() // new directories may have appeared
		}
		if err != nil && c.Failed != nil && c.ctx.Err() == nil {
			c.Failed(key.root, err)
		}
	}()
}

// Invalidate marks every cached context containing one of the absolute
// paths as stale; the next Get reloads it in the background while still
// returning the old snapshot. Call it from workspace/didChangeWatchedFiles.
func (c *Cache) Invalidate(paths []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if containsAny(e.aliases, paths) {
			e.gen++
		}
	}
}

func containsAny(roots, paths []string) bool {
	for _, p := range paths {
		p = filepath.Clean(p)
		for _, r := range roots {
			if p == r || strings.HasPrefix(p, r+string(filepath.Separator)) {
				return true
			}
		}
	}
	return false
}

// refresh starts reloads of the stale contexts under root so a watcher's
// onChange callers find a load already running.
func (c *Cache) refresh(root string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	for key, e := range c.entries {
		if key.root == root && e.ready == nil && e.loadedGen != e.gen {
			c.startLoad(key, e)
		}
	}
}

// Retain drops the contexts whose root is none of roots (as given to Get,
// resolved or not), so that a context no open document uses stops holding
// its snapshot: a large folder's listing is tens of megabytes. A load still
// running for a dropped context ends and is thrown away; a later Get loads
// it again.
func (c *Cache) Retain(roots []string) {
	keep := map[string]bool{}
	for _, r := range roots {
		abs, real := rootAliases(r)
		keep[abs], keep[real] = true, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.entries {
		if !keep[key.root] {
			delete(c.entries, key)
		}
	}
}

// Recheck asks Allow again about every context held, and drops those it
// now refuses (the scope narrowed: a workspace folder was closed), so
// that their snapshots go at once rather than with their last document.
func (c *Cache) Recheck() {
	if c.Allow == nil {
		return
	}
	c.mu.Lock()
	held := maps.Clone(c.entries)
	c.mu.Unlock()
	for key, e := range held {
		if c.Allow(e.aliases[0], e.dockerfile) == nil {
			continue // asked outside the lock: Allow may take the caller's
		}
		c.mu.Lock()
		if c.entries[key] == e {
			delete(c.entries, key)
		}
		c.mu.Unlock()
	}
}

// snapshots returns the loaded snapshots for a resolved root.
func (c *Cache) snapshots(root string) []*Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*Context
	for key, e := range c.entries {
		if key.root == root && e.snap != nil {
			out = append(out, e.snap)
		}
	}
	return out
}

// Close stops watchers and background loads and waits for them.
func (c *Cache) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	ws := make([]*watcher, 0, len(c.watchers))
	for _, w := range c.watchers {
		ws = append(ws, w)
	}
	events := c.events
	c.mu.Unlock()
	c.cancel()
	for _, w := range ws {
		_ = w.Close()
	}
	if events != nil {
		_ = events.fw.Close()
		<-events.exited
	}
	c.wg.Wait()
	return nil
}
