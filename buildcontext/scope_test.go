package buildcontext

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
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
		{"no workspace, home is /root: /src", Scope{Home: "/root"}, "/src", "/src/Dockerfile", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.scope.Check(c.root, c.file)
			if c.ok && err != nil {
				t.Errorf("Check(%s, %s) = %v, want nil", c.root, c.file, err)
			}
			if !c.ok && (!errors.Is(err, ErrOutsideScope) || !Refused(err)) {
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

// TestHomeFolder: home folders, and folders above the user's, are what
// check does not walk as a Dockerfile's default context; a project in
// home, or a folder directly under / (a CI checkout at /src), is not one,
// even when home is /root.
func TestHomeFolder(t *testing.T) {
	for _, c := range []struct {
		home, dir string
		want      bool
	}{
		{"/home/me", "/home/me", true},
		{"/home/me", "/home/you", true},
		{"/home/me", "/home", true},
		{"/home/me", "/", true},
		{"/home/me", "/home/me/proj", false},
		{"/srv/users/me", "/srv/users/you", true},
		{"/srv/users/me", "/srv/users", true},
		{"/srv/users/me", "/srv/other/proj", false},
		{"", "/Users/me", true},
		{"/root", "/root", true},
		{"/root", "/src", false},
		{"/root", "/root/proj", false},
	} {
		if got := (Scope{Home: c.home}).HomeFolder(c.dir); got != c.want {
			t.Errorf("home %s: HomeFolder(%s) = %v, want %v", c.home, c.dir, got, c.want)
		}
	}
}

// TestCacheFailed: a load that fails is reported to Failed, once per
// load, with an error Refused recognises when the ignore file cannot be
// used; a load that works is not reported.
func TestCacheFailed(t *testing.T) {
	ws, outside := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(outside, "passwd"), "root:x:0:0\n")
	if err := os.Mkdir(filepath.Join(ws, "ok"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ws, "ok", "Dockerfile"), "FROM scratch\n")
	if err := os.Symlink(filepath.Join(outside, "passwd"), filepath.Join(ws, ".dockerignore")); err != nil {
		t.Fatal(err)
	}
	c := NewCache()
	defer c.Close()
	var failed []error
	var mu sync.Mutex
	c.Failed = func(root string, err error) {
		mu.Lock()
		defer mu.Unlock()
		failed = append(failed, err)
	}
	for _, root := range []string{ws, filepath.Join(ws, "ok")} {
		if _, err := c.Wait(context.Background(), root, filepath.Join(ws, "ok", "Dockerfile")); (err != nil) != (root == ws) {
			t.Fatalf("Wait(%s) = %v", root, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(failed) != 1 || !Refused(failed[0]) || !errors.Is(failed[0], ErrIgnoreFile) {
		t.Fatalf("Failed was told %v, want one ErrIgnoreFile", failed)
	}
}

// TestCacheRecheck: once the scope narrows, Recheck drops the contexts
// Allow now refuses and keeps the others.
func TestCacheRecheck(t *testing.T) {
	ws, other := t.TempDir(), t.TempDir()
	c := NewCache()
	defer c.Close()
	var mu sync.Mutex
	scope := Scope{Workspaces: []string{ws, other}}
	c.Allow = func(root, dockerfile string) error {
		mu.Lock()
		defer mu.Unlock()
		return scope.Check(root, dockerfile)
	}
	// Each context is the folder above its Dockerfile's: once no
	// workspace folder holds the Dockerfile, only its own folder may be.
	for _, root := range []string{ws, other} {
		if getFresh(t, c, root, "sub/Dockerfile") == nil {
			t.Fatalf("%s was not loaded", root)
		}
	}
	mu.Lock()
	scope.Workspaces = []string{ws}
	mu.Unlock()
	c.Recheck()
	if n := len(c.snapshots(resolved(ws))); n != 1 {
		t.Errorf("%d snapshots of the folder still open, want 1", n)
	}
	if n := len(c.snapshots(resolved(other))); n != 0 {
		t.Errorf("%d snapshots of the folder closed, want 0", n)
	}
}
