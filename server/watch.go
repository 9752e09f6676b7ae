package server

import (
	"context"
	"maps"
	"path"
	"slices"

	"go.lsp.dev/protocol"
)

// watchRegistrationID names our dynamic file-watcher registration.
const watchRegistrationID = "dockerfile-ls/watch-context"

// dynamicWatch reports whether the client can watch files for us.
func (s *Server) dynamicWatch() bool {
	return s.clientSupports(func(c protocol.ClientCapabilities) bool {
		w := c.Workspace
		return w != nil && w.DidChangeWatchedFiles != nil && w.DidChangeWatchedFiles.DynamicRegistration != nil && *w.DidChangeWatchedFiles.DynamicRegistration
	})
}

// registerWatchers asks the client to tell us about file changes in the
// workspace, which is where build contexts live.
func (s *Server) registerWatchers() {
	if !s.dynamicWatch() {
		return
	}
	opts, err := protocol.Marshal(protocol.DidChangeWatchedFilesRegistrationOptions{
		Watchers: []protocol.FileSystemWatcher{{GlobPattern: protocol.Pattern("**/*")}},
	})
	if err != nil {
		s.log.Error("encoding the watcher registration", "err", err)
		return
	}
	err = s.client.RegisterCapability(context.Background(), &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID: watchRegistrationID, Method: protocol.MethodWorkspaceDidChangeWatchedFiles, RegisterOptions: opts,
	}}})
	if err != nil {
		s.log.Warn("the client refused the file watcher; watching build contexts ourselves", "err", err)
		s.mu.Lock()
		s.ownWatch = true
		s.mu.Unlock()
	}
}

// DidChangeWatchedFiles implements protocol.Server: forget the changed
// parts of the build contexts and analyse the open documents again.
func (s *Server) DidChangeWatchedFiles(_ context.Context, p *protocol.DidChangeWatchedFilesParams) error {
	var paths []string
	for _, ch := range p.Changes {
		if ch.URI.IsFile() {
			paths = append(paths, ch.URI.FsPath())
		}
	}
	if len(paths) == 0 {
		return nil
	}
	s.contexts.Invalidate(paths)
	s.filesChanged(paths)
	return nil
}

// filesChanged forgets the project and build files among paths and
// analyses the open documents again; BuildKit's checks too when an ignore
// file changed (CopyIgnoredFile reads it). Both the client's watcher and
// our own report here, after the build contexts were invalidated.
func (s *Server) filesChanged(paths []string) {
	ignoreFile := false
	for _, p := range paths {
		s.projects.Forget(p)
		base := path.Base(p)
		ignoreFile = ignoreFile || base == ".dockerignore" || base == ".containerignore" || path.Ext(base) == ".dockerignore"
	}
	s.reanalyseAll(ignoreFile)
}

// reanalyseAll pokes every open document; with buildkit, BuildKit's
// checks run again too.
func (s *Server) reanalyseAll(buildkit bool) {
	s.mu.Lock()
	docs := make([]*document, 0, len(s.docs))
	for _, d := range s.docs {
		docs = append(docs, d)
	}
	s.mu.Unlock()
	for _, d := range docs {
		d.inputsChanged(buildkit)
	}
}

// watchFallback watches a build context with fsnotify when the client
// cannot watch files for us (Neovim often cannot), once per root. The root
// is claimed before the watch starts (outside s.mu: it adds inotify
// watches), so a concurrent caller for the same root does nothing.
func (s *Server) watchFallback(root string) {
	if s.dynamicWatch() && !s.watchingOurselves() {
		return
	}
	claim := &pendingWatch{root: root}
	s.mu.Lock()
	_, seen := s.watchers[root]
	if !seen {
		s.watchers[root] = claim
	}
	s.mu.Unlock()
	if seen {
		return
	}
	w, err := s.contexts.Watch(root, s.filesChanged)
	if err != nil {
		s.log.Warn("cannot watch the build context", "root", root, "err", err)
		w = nopCloser{} // not retried on every keystroke
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watchers[root] != claim {
		_ = w.Close() // the root went unused (or the session ended) meanwhile
		return
	}
	s.watchers[root] = w
}

// watchingOurselves reports whether the client refused to watch files.
func (s *Server) watchingOurselves() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ownWatch
}

// pendingWatch holds a root in Server.watchers while its watch starts
// (not empty: pointers to distinct zero-size values may compare equal).
type pendingWatch struct{ root string }

func (*pendingWatch) Close() error { return nil }

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// closeUnusedWatchers stops our own watchers of build contexts no open
// document uses any more, and lets their snapshots go.
func (s *Server) closeUnusedWatchers() {
	s.mu.Lock()
	docs := make([]*document, 0, len(s.docs))
	for _, d := range s.docs {
		docs = append(docs, d)
	}
	s.mu.Unlock()
	used := map[string]bool{}
	for _, d := range docs {
		if p := d.path(); p != "" {
			used[s.settingsFor(p).ContextRoot(p)] = true
		}
	}
	if s.contexts != nil {
		s.contexts.Retain(slices.Collect(maps.Keys(used)))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for root, w := range s.watchers {
		if !used[root] {
			_ = w.Close()
			delete(s.watchers, root)
		}
	}
}
