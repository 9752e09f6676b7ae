package server

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
)

// quietClient takes the warnings a refused context shows.
type quietClient struct{ protocol.Client }

func (quietClient) ShowMessage(context.Context, *protocol.ShowMessageParams) error { return nil }

// TestAllowMemo: an allowed context is allowed again without a check only
// for allowFor, and only with the same workspace folders, allowed
// contexts and home folder.
func TestAllowMemo(t *testing.T) {
	now := time.Now()
	scope := buildcontext.Scope{Workspaces: []string{"/ws"}, Allowed: []string{"/extra"}, Home: "/home/u"}
	var m allowMemo
	if m.holds("/ws/app", "/ws/app/Dockerfile", scope, now) {
		t.Fatal("an empty memo allows")
	}
	m.set("/ws/app", "/ws/app/Dockerfile", scope, now)
	scope.Workspaces[0] = "/moved" // the caller's slice: the memo keeps its own
	scope.Workspaces = []string{"/ws"}
	for _, c := range []struct {
		name  string
		root  string
		scope buildcontext.Scope
		at    time.Time
		want  bool
	}{
		{"the same, at once", "/ws/app", scope, now.Add(allowFor / 2), true},
		{"the same, past allowFor", "/ws/app", scope, now.Add(allowFor), false},
		{"another root", "/ws", scope, now, false},
		{"a workspace folder removed", "/ws/app", buildcontext.Scope{Allowed: scope.Allowed, Home: scope.Home}, now, false},
		{"allowed contexts changed", "/ws/app", buildcontext.Scope{Workspaces: scope.Workspaces, Home: scope.Home}, now, false},
		{"another home", "/ws/app", buildcontext.Scope{Workspaces: scope.Workspaces, Allowed: scope.Allowed}, now, false},
	} {
		if got := m.holds(c.root, "/ws/app/Dockerfile", c.scope, c.at); got != c.want {
			t.Errorf("%s: holds = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestAllowContextAfterFolderRemoved: a context allowed a moment ago is
// refused as soon as its workspace folder is removed, memo or not.
func TestAllowContextAfterFolderRemoved(t *testing.T) {
	ws, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dockerfile := filepath.Join(ws, "Dockerfile")
	if err := os.WriteFile(dockerfile, []byte("FROM alpine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", t.TempDir())
	s := &Server{log: slog.New(slog.DiscardHandler), client: quietClient{}, warned: map[string]bool{}, roots: []string{ws}}
	for range 2 {
		if err := s.allowContext(ws, dockerfile); err != nil {
			t.Fatalf("the workspace's own context is refused: %v", err)
		}
	}
	s.mu.Lock()
	s.roots = nil // the Dockerfile's folder alone then stands in: a context above it is out
	s.mu.Unlock()
	if err := s.allowContext(filepath.Dir(ws), dockerfile); !errors.Is(err, buildcontext.ErrOutsideScope) {
		t.Errorf("a context above the Dockerfile without a workspace folder: %v, want ErrOutsideScope", err)
	}
	s.mu.Lock()
	s.roots = []string{filepath.Join(ws, "sub")}
	s.mu.Unlock()
	if err := s.allowContext(ws, dockerfile); !errors.Is(err, buildcontext.ErrOutsideScope) {
		t.Errorf("the workspace folder replaced by another: %v, want ErrOutsideScope", err)
	}
}
