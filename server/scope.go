package server

import (
	"os"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
)

// allowContext is the build context cache's Allow: a context is walked only
// inside the Dockerfile's workspace folder (or, without one, its own folder
// when that is not the filesystem root, a folder under it or a home
// folder), or inside a folder the user allowed in the editor's
// allowedContexts, whatever a project, Compose or bake file says (see
// buildcontext.Scope and docs/settings.md).
func (s *Server) allowContext(root, dockerfile string) error {
	s.mu.Lock()
	scope := buildcontext.Scope{Workspaces: s.roots, Allowed: s.editor.merged.AllowedContexts}
	s.mu.Unlock()
	scope.Home, _ = os.UserHomeDir()
	return scope.Check(root, dockerfile)
}
