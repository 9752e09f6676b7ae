package server

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

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
	if s.allowed.holds(root, dockerfile, scope, time.Now()) {
		return nil
	}
	err := scope.Check(root, dockerfile)
	if err != nil {
		s.contextRefused(err)
		return err
	}
	s.allowed.set(root, dockerfile, scope, time.Now())
	return nil
}

// allowFor is how long an allowed context stays allowed without a new
// check. The worker asks on every keystroke, and the check resolves the
// symlinks of the root and the Dockerfile's folders (a dozen lstat calls,
// a tenth of a 54-line keystroke's CPU time); a symlink retargeted
// meanwhile is seen this much later at most.
const allowFor = time.Second

// allowMemo is the last context allowContext allowed, and with which
// workspace folders, allowed contexts and home folder: a change of any is
// checked at once. Refusals are not kept: they are rare, and each is
// told to the user.
type allowMemo struct {
	mu               sync.Mutex
	root, dockerfile string
	scope            buildcontext.Scope
	until            time.Time
}

func (m *allowMemo) holds(root, dockerfile string, scope buildcontext.Scope, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return now.Before(m.until) && root == m.root && dockerfile == m.dockerfile && scope.Home == m.scope.Home &&
		slices.Equal(scope.Workspaces, m.scope.Workspaces) && slices.Equal(scope.Allowed, m.scope.Allowed)
}

func (m *allowMemo) set(root, dockerfile string, scope buildcontext.Scope, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	scope.Workspaces, scope.Allowed = slices.Clone(scope.Workspaces), slices.Clone(scope.Allowed) // the memo outlives the caller's
	m.root, m.dockerfile, m.scope, m.until = root, dockerfile, scope, now.Add(allowFor)
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
