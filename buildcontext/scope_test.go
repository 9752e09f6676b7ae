package buildcontext

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestScope: a build context is the Dockerfile's workspace folder or one
// below it, the Dockerfile's folder without a workspace unless that is the
// filesystem root, a folder directly under it or a home folder, or a folder
// the user allowed; never the filesystem root, and no symlink leads it
// elsewhere.
func TestScope(t *testing.T) {
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ws, other, outside, home := filepath.Join(tmp, "ws"), filepath.Join(tmp, "other"), filepath.Join(tmp, "outside"), filepath.Join(tmp, "users", "me")
	for _, d := range []string{ws + "/sub", other, outside + "/proj", home + "/proj", filepath.Join(tmp, "users", "you")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"ws/link": outside, "ws/rootlink": "/", "outside/proj/homelink": home} {
		if err := os.Symlink(target, filepath.Join(tmp, link)); err != nil {
			t.Fatal(err)
		}
	}
	inWS := filepath.Join(ws, "sub", "Dockerfile")
	cases := []struct {
		name       string
		scope      Scope
		root, file string
		ok         bool
	}{
		{"the workspace folder", Scope{Workspaces: []string{ws}}, ws, inWS, true},
		{"a folder below it", Scope{Workspaces: []string{ws}}, ws + "/sub", inWS, true},
		{"the filesystem root", Scope{Workspaces: []string{ws}}, "/", inWS, false},
		{"above the workspace", Scope{Workspaces: []string{ws}}, tmp, inWS, false},
		{"beside the workspace", Scope{Workspaces: []string{ws}}, outside, inWS, false},
		{"another workspace folder", Scope{Workspaces: []string{ws, other}}, other, inWS, false},
		{"a symlink out of the workspace", Scope{Workspaces: []string{ws}}, ws + "/link", inWS, false},
		{"a symlink to the root", Scope{Workspaces: []string{ws}}, ws + "/rootlink", inWS, false},
		{"a workspace that is /", Scope{Workspaces: []string{"/"}}, "/", inWS, false},
		{"allowed by the user", Scope{Workspaces: []string{ws}, Allowed: []string{outside}}, outside, inWS, true},
		{"a symlink to an allowed folder", Scope{Workspaces: []string{ws}, Allowed: []string{outside}}, ws + "/link", inWS, true},
		{"the root, though allowed", Scope{Workspaces: []string{ws}, Allowed: []string{"/"}}, "/", inWS, false},
		{"a relative allowed folder", Scope{Workspaces: []string{ws}, Allowed: []string{"."}}, outside, inWS, false},
		{"no workspace: the Dockerfile's folder", Scope{Home: home}, outside + "/proj", outside + "/proj/Dockerfile", true},
		{"no workspace: above the Dockerfile", Scope{Home: home}, outside, outside + "/proj/Dockerfile", false},
		{"no workspace: a symlink to home", Scope{Home: home}, outside + "/proj/homelink", outside + "/proj/Dockerfile", false},
		{"no workspace: /Dockerfile", Scope{Home: home}, "/", "/Dockerfile", false},
		{"no workspace: /etc", Scope{Home: home}, "/etc", "/etc/Dockerfile", false},
		{"no workspace: /etc below the Dockerfile", Scope{Home: home}, "/etc/docker", "/etc/Dockerfile", false},
		{"no workspace: the home folder", Scope{Home: home}, home, home + "/Dockerfile", false},
		{"no workspace: another home folder", Scope{Home: home}, tmp + "/users/you", tmp + "/users/you/Dockerfile", false},
		{"no workspace: above the home folder", Scope{Home: home}, tmp + "/users", tmp + "/users/Dockerfile", false},
		{"no workspace: /home/alice", Scope{}, "/home/alice", "/home/alice/Dockerfile", false},
		{"no workspace: a project in home", Scope{Home: home}, home + "/proj", home + "/proj/Dockerfile", true},
		{"a workspace that is the home folder", Scope{Workspaces: []string{home}, Home: home}, home, home + "/Dockerfile", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.scope.Check(c.root, c.file)
			if c.ok && err != nil {
				t.Errorf("Check(%s, %s) = %v, want nil", c.root, c.file, err)
			}
			if !c.ok && !errors.Is(err, ErrOutsideScope) {
				t.Errorf("Check(%s, %s) = %v, want ErrOutsideScope", c.root, c.file, err)
			}
		})
	}
}

// TestCacheAllow: a root the cache's Allow refuses is never loaded, and
// Get says why.
func TestCacheAllow(t *testing.T) {
	ws := t.TempDir()
	c := NewCache()
	defer c.Close()
	loads := 0
	c.load = func(ctx context.Context, root, dockerfile string) (*Context, error) {
		loads++
		return Load(ctx, root, dockerfile)
	}
	c.Allow = Scope{Workspaces: []string{ws}}.Check
	snap, ready, err := c.Get(context.Background(), "/", filepath.Join(ws, "Dockerfile"))
	if snap != nil || ready != nil || !errors.Is(err, ErrOutsideScope) {
		t.Fatalf("Get(/) = %v, %v, %v; want ErrOutsideScope and no load", snap, ready, err)
	}
	if getFresh(t, c, ws, "Dockerfile") == nil || loads != 1 {
		t.Fatalf("the workspace folder: %d loads, want 1", loads)
	}
}
