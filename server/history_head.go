package server

import (
	"path/filepath"

	"github.com/fsnotify/fsnotify"

	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
)

// When HEAD moves (a commit, a checkout, a pull), the history the lenses
// show is another: the forecasts are made again. HEAD moves when the
// files of Repo.HeadFiles change; their folders are watched (git replaces
// a reference by renaming a lock file over it, which a watch on the file
// itself would lose), and events on other files are ignored.

// headWatch watches the HEAD files of the repositories forecast so far.
type headWatch struct {
	fw    *fsnotify.Watcher
	files map[string]bool // the files whose change moves HEAD
	dirs  map[string]bool // their folders, watched
}

// watchHead adds repo's HEAD files to the watch (again after a checkout
// names another branch). A watch that cannot be set up is logged: the
// forecast is still made, and made again when the document changes.
func (h *historyLens) watchHead(repo *cachehistory.Repo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.heads == nil {
		fw, err := fsnotify.NewWatcher()
		if err != nil {
			h.s.log.Warn("cannot watch HEAD for the cache history lens", "err", err)
			return
		}
		h.heads = &headWatch{fw: fw, files: map[string]bool{}, dirs: map[string]bool{}}
		go h.headEvents(fw)
	}
	for _, f := range repo.HeadFiles() {
		h.heads.files[f] = true
		dir := filepath.Dir(f)
		if h.heads.dirs[dir] {
			continue
		}
		if err := h.heads.fw.Add(dir); err != nil {
			h.s.log.Debug("cannot watch a HEAD folder", "dir", dir, "err", err)
			continue
		}
		h.heads.dirs[dir] = true
	}
}

// headEvents moves the generation on each change to a HEAD file, which
// makes every forecast outdated, and asks the client for its lenses again
// (which schedules the new forecasts).
func (h *historyLens) headEvents(fw *fsnotify.Watcher) {
	for {
		select {
		case ev, ok := <-fw.Events:
			if !ok {
				return
			}
			h.mu.Lock()
			moved := h.heads != nil && h.heads.files[ev.Name]
			if moved {
				h.gen++
			}
			h.mu.Unlock()
			if moved {
				h.s.sizeHintsRefresh.ask()
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return
			}
			h.s.log.Debug("HEAD watch", "err", err)
		}
	}
}

// close stops the watch and the timers: the connection is over.
func (h *historyLens) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.entries {
		if e.settle != nil {
			e.settle.Stop()
		}
	}
	if h.heads != nil {
		_ = h.heads.fw.Close()
		h.heads = nil
	}
}
