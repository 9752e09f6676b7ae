package cli

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// mkfile writes text to rel under dir, making its folders.
func mkfile(t *testing.T, dir, rel, text string) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRepositoryCannotWidenTheContext: a project, Compose or bake file
// that names a build context above the current folder (or the filesystem
// root) does not make check or cache read it; --context does, except for
// the filesystem root.
func TestRepositoryCannotWidenTheContext(t *testing.T) {
	cases := map[string]struct {
		rel, text string // the repository file, under base/repo
		wantRoot  string // the context check uses, relative to base ("" for none)
		cwd       string // relative to base
	}{
		"project file, context ..": {".dockerfile-ls.yaml", "context: ..\n", "", "repo/app"},
		"project file, context /":  {".dockerfile-ls.yaml", "context: /\n", "", "repo/app"},
		"compose, context above":   {"compose.yaml", "services:\n  app:\n    build: {context: ., dockerfile: app/Dockerfile}\n", "", "repo/app"},
		"bake, context above":      {"docker-bake.hcl", "target \"app\" {\n  context = \".\"\n  dockerfile = \"app/Dockerfile\"\n}\n", "", "repo/app"},
		"context in the cwd":       {".dockerfile-ls.yaml", "context: .\n", "repo", "repo"},
		"Dockerfile's own folder":  {".dockerfile-ls.yaml", "context: app\n", "repo/app", "elsewhere"},
		"repository, from outside": {".dockerfile-ls.yaml", "context: .\n", "repo", "elsewhere"},
		"above the repository":     {".dockerfile-ls.yaml", "context: ..\n", "", "elsewhere"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			mkfile(t, base, "secret.txt", "secret\n")
			mkfile(t, base, "repo/.git/HEAD", "ref: refs/heads/main\n")
			mkfile(t, base, filepath.Join("repo", c.rel), c.text)
			df := mkfile(t, base, "repo/app/Dockerfile", "FROM alpine:3.19\nCOPY secret.txt /\n")
			if err := os.MkdirAll(filepath.Join(base, c.cwd), 0o755); err != nil {
				t.Fatal(err)
			}
			t.Chdir(filepath.Join(base, c.cwd))
			var stderr strings.Builder
			finishes(t, 10*time.Second, func() {
				r, err := NewChecker(CheckOptions{Stderr: &stderr}).Check(Target{Path: df})
				if err != nil {
					t.Fatal(err)
				}
				want := ""
				if c.wantRoot != "" {
					want = filepath.Join(base, c.wantRoot)
				}
				if r.ContextRoot != want {
					t.Errorf("check's context %q, want %q; stderr:\n%s", r.ContextRoot, want, stderr.String())
				}
				_, _, err = Predict(CacheOptions{Dockerfile: df})
				if widened := c.wantRoot == ""; widened != (errors.Is(err, errWidened) || errors.Is(err, errFSRoot)) {
					t.Errorf("cache: %v", err)
				}
			})
			if c.wantRoot == "" && !strings.Contains(stderr.String(), "checking without it") {
				t.Errorf("no warning:\n%s", stderr.String())
			}
		})
	}
}

// TestContextFlag: --context widens the context anywhere but to the
// filesystem root.
func TestContextFlag(t *testing.T) {
	base := t.TempDir()
	df := mkfile(t, base, "repo/app/Dockerfile", "FROM alpine:3.19\n")
	t.Chdir(filepath.Join(base, "repo", "app"))
	for root, want := range map[string]error{base: nil, "/": errFSRoot} {
		c := NewChecker(CheckOptions{Settings: config.Settings{BuildContext: root}, Stderr: os.Stderr})
		r, err := c.Check(Target{Path: df})
		if !errors.Is(err, want) || want == nil && r.ContextRoot != root {
			t.Errorf("check --context %s: %v", root, err)
		}
		if _, _, err := Predict(CacheOptions{Dockerfile: df, ContextDir: root}); !errors.Is(err, want) {
			t.Errorf("cache --context %s: %v", root, err)
		}
	}
}

// TestHomeFolderIsNotWalked (issue 18): `check ~/Dockerfile` checks
// without a build context rather than walk the whole home folder, and says
// so; a compose file in the home folder cannot make it walk it either, nor
// can cache predict with it. --context ~ walks it, and a project in a
// folder of its own under home is walked as before.
func TestHomeFolderIsNotWalked(t *testing.T) {
	const dockerfile = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(base, "home", "me")
	t.Setenv("HOME", home)
	mkfile(t, home, "a/b/private.bin", strings.Repeat("x", 1<<20))
	mkfile(t, home, "package.json", "{}\n")
	inHome := mkfile(t, home, "Dockerfile", dockerfile)
	composed := mkfile(t, home, "composed/Dockerfile", dockerfile)
	mkfile(t, home, "compose.yaml", "services:\n  app:\n    build: {context: ., dockerfile: composed/Dockerfile}\n")
	project := mkfile(t, home, "proj/Dockerfile", dockerfile)
	mkfile(t, home, "proj/package.json", "{}\n")
	t.Chdir(home)
	for _, c := range []struct {
		name, dockerfile, flag string
		wantRoot               string // "" for none
	}{
		{"the home folder", inHome, "", ""},
		{"the home folder, from compose", composed, "", ""},
		{"the home folder, with --context", inHome, home, home},
		{"a project under home", project, "", filepath.Dir(project)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr strings.Builder
			var r *FileReport
			var err error
			finishes(t, 10*time.Second, func() {
				checker := NewChecker(CheckOptions{Settings: config.Settings{BuildContext: c.flag}, Stderr: &stderr})
				r, err = checker.Check(Target{Path: c.dockerfile})
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.ContextRoot != c.wantRoot {
				t.Errorf("check's context %q, want %q; stderr:\n%s", r.ContextRoot, c.wantRoot, stderr.String())
			}
			if c.wantRoot == "" && !strings.Contains(stderr.String(), "only when --context names it") {
				t.Errorf("check does not say why it has no context:\n%s", stderr.String())
			}
			named := slices.ContainsFunc(r.Findings, func(f diagnostics.Finding) bool { return strings.Contains(f.Message, "private.bin") })
			if named != (c.wantRoot == home) {
				t.Errorf("a finding names a file of the home folder: %v, want %v", named, c.wantRoot == home)
			}
		})
	}
	if _, _, err := Predict(CacheOptions{Dockerfile: inHome}); !errors.Is(err, errHomeFolder) {
		t.Errorf("cache ~/Dockerfile: %v, want errHomeFolder", err)
	}
}
