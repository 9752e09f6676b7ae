package server

import (
	"fmt"
	"os"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
)

// allowContext is the build context cache's Allow: a context is walked only
// inside the Dockerfile's workspace folder (or, without one, its own folder
// when that is not the filesystem root, a folder under it or a home
// folder), or inside a folder the user allowed in the editor's
// allowedContexts, whatever a project, Compose or bake file says (see
// buildcontext.Scope and docs/settings.md). A refusal is told to the user
// (see contextRefused).
func (s *Server) allowContext(root, dockerfile string) error {
	s.mu.Lock()
	scope := buildcontext.Scope{Workspaces: s.roots, Allowed: s.editor.merged.AllowedContexts}
	s.mu.Unlock()
	scope.Home, _ = os.UserHomeDir()
	err := scope.Check(root, dockerfile)
	if err != nil {
		s.contextRefused(err)
	}
	return err
}

// contextLoadFailed is the build context cache's Failed: a context whose
// ignore file cannot be used, or costs too much to apply, is not loaded.
func (s *Server) contextLoadFailed(root string, err error) {
	if buildcontext.Refused(err) {
		s.contextRefused(fmt.Errorf("build context %s: %w", root, err))
	}
}

// contextRefused tells the user, once per context and reason, that a build
// context was refused: without it, the findings that need it (a COPY of a
// missing file, CopyBeforeInstall's example, the size hints) are silent,
// and a user who does not know why would trust that silence.
func (s *Server) contextRefused(err error) {
	s.warnOnce(err.Error())
}
