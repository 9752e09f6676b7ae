package server

import (
	"context"
	"path"

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
	ignoreFile := false
	for _, ch := range p.Changes {
		if !ch.URI.IsFile() {
			continue
		}
		fp := ch.URI.FsPath()
		paths = append(paths, fp)
		s.projects.Forget(fp)
		base := path.Base(fp)
		ignoreFile = ignoreFile || base == ".dockerignore" || base == ".containerignore" || path.Ext(base) == ".dockerignore"
	}
	if len(paths) == 0 {
		return nil
	}
	s.contexts.Invalidate(paths)
	s.reanalyseAll(ignoreFile)
	return nil
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
// cannot watch files for us (Neovim often cannot), once per root.
func (s *Server) watchFallback(root string) {
	s.mu.Lock()
	_, seen := s.watchers[root]
	own := s.ownWatch
	s.mu.Unlock()
	if seen || (!own && s.dynamicWatch()) {
		return
	}
	w, err := s.contexts.Watch(root, func() { s.reanalyseAll(false) })
	if err != nil {
		s.log.Warn("cannot watch the build context", "root", root, "err", err)
		w = nopCloser{}
	}
	s.mu.Lock()
	s.watchers[root] = w
	s.mu.Unlock()
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// closeUnusedWatchers stops our own watchers of build contexts no open
// document uses any more.
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
	s.mu.Lock()
	defer s.mu.Unlock()
	for root, w := range s.watchers {
		if !used[root] {
			_ = w.Close()
			delete(s.watchers, root)
		}
	}
}
