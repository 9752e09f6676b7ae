package server

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// Initialize implements protocol.Server.
func (s *Server) Initialize(ctx context.Context, p *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	var offered []protocol.PositionEncodingKind
	if g := p.Capabilities.General; g != nil {
		offered = g.PositionEncodings
	}
	enc, kind := negotiateEncoding(offered)
	editor, err := parseSettings(p.InitializationOptions)
	if err != nil {
		s.log.Warn("ignoring malformed initializationOptions", "err", err)
	}
	s.mu.Lock()
	s.state = running
	s.encoding = enc
	s.clientCaps = p.Capabilities
	s.editor.set(fromInitOptions, editor)
	s.roots = workspaceRoots(p)
	s.mu.Unlock()
	// Set before any document opens: a failed load is told to the user,
	// which only an initialized client can be.
	s.contexts.Failed = s.contextLoadFailed
	if p.ProcessID != nil && *p.ProcessID > 0 {
		go s.watchParent(int(*p.ProcessID))
	}
	return &protocol.InitializeResult{
		Capabilities: capabilities(p.Capabilities, kind),
		ServerInfo:   protocol.ServerInfo{Name: "dockerfile-ls", Version: protocol.NewOptional(Version)},
	}, nil
}

// Initialized implements protocol.Server: now the server may ask the
// client things (off the read loop, since the answers come through it).
func (s *Server) Initialized(context.Context, *protocol.InitializedParams) error {
	go s.registerWatchers()
	if s.clientSupports(answersConfiguration) {
		s.pullSettings()
	}
	return nil
}

// workspaceRoots are the folders the client opened: the server reads
// nothing above them (project files are looked for up to a root).
func workspaceRoots(p *protocol.InitializeParams) []string {
	var roots []string
	if folders, ok := p.WorkspaceFolders.Get(); ok {
		for _, f := range folders {
			if f.URI.IsFile() {
				roots = append(roots, filepath.Clean(f.URI.FsPath()))
			}
		}
	}
	if len(roots) == 0 && p.RootURI != nil && p.RootURI.IsFile() {
		roots = append(roots, filepath.Clean(p.RootURI.FsPath()))
	}
	return roots
}

// DidChangeWorkspaceFolders implements protocol.Server: the folders added
// and removed change where build contexts may be (allowContext) and where
// the search for project files ends (stopSearch), so what was read under
// the old folders is forgotten, a context no longer allowed is dropped,
// and every open document analysed again: a context in a folder no longer
// open is refused from now on.
func (s *Server) DidChangeWorkspaceFolders(_ context.Context, p *protocol.DidChangeWorkspaceFoldersParams) error {
	s.mu.Lock()
	s.roots = changeRoots(s.roots, p.Event)
	roots := s.roots
	s.mu.Unlock()
	s.log.Info("workspace folders changed", "now", roots)
	s.contexts.Recheck()
	s.projects.Forget("")
	s.reanalyseAll(true)
	s.sizeHintsRefresh.ask()
	return nil
}

// changeRoots is roots without the folders ev removed, with those it
// added (each once).
func changeRoots(roots []string, ev protocol.WorkspaceFoldersChangeEvent) []string {
	out := make([]string, 0, len(roots)+len(ev.Added))
	removed := map[string]bool{}
	for _, f := range ev.Removed {
		if f.URI.IsFile() {
			removed[filepath.Clean(f.URI.FsPath())] = true
		}
	}
	for _, r := range roots {
		if !removed[r] {
			out = append(out, r)
		}
	}
	for _, f := range ev.Added {
		if r := filepath.Clean(f.URI.FsPath()); f.URI.IsFile() && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// stopSearch ends the upward search for project files at a workspace root,
// and at once outside the workspace (without one, only the Dockerfile's
// own folder is read).
func (s *Server) stopSearch(dir string) bool {
	s.mu.Lock()
	roots := s.roots
	s.mu.Unlock()
	for _, r := range roots {
		if dir == r {
			return true
		}
		if strings.HasPrefix(dir, r+string(filepath.Separator)) {
			return false
		}
	}
	return true
}

// negotiateEncoding picks UTF-8 when the client offers it (no conversion
// at all), else UTF-16, which every client supports.
func negotiateEncoding(offered []protocol.PositionEncodingKind) (textpos.Encoding, protocol.PositionEncodingKind) {
	for _, k := range offered {
		if k == protocol.PositionEncodingKindUTF8 {
			return textpos.UTF8, k
		}
	}
	return textpos.UTF16, protocol.PositionEncodingKindUTF16
}

// watchParent ends the session when the editor process that started us
// dies without closing our input (the specification asks servers to).
func (s *Server) watchParent(pid int) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.exited:
			return
		case <-t.C:
			if !alive(pid) {
				s.log.Info("client process is gone; exiting", "pid", pid)
				s.exitOnce.Do(func() { close(s.exited) })
				return
			}
		}
	}
}
