package codeactions

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// The context fix changes another file, which the golden files (Dockerfile
// text) cannot show: it creates .dockerignore, or appends to the one in use.
func TestDockerignoreFix(t *testing.T) {
	for _, existing := range []string{"", "dist", "dist\n"} {
		dir := t.TempDir()
		must(t, os.MkdirAll(filepath.Join(dir, "node_modules", "x"), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, "node_modules", "x", "i.js"), []byte("1"), 0o644))
		if existing != "" {
			must(t, os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(existing), 0o644))
		}
		bctx, err := buildcontext.Load(t.Context(), dir, "")
		must(t, err)
		doc, fs := analyse([]byte("FROM node:20\nCOPY . /app\n"), bctx)
		var got *Action
		for _, a := range For(doc.State(dockerfile.Options{}), fs, bctx) {
			if Kind(a.Finding) == diagnostics.Dockerignore {
				got = &a
			}
		}
		if got == nil || len(got.Files) != 1 || len(got.Edits) != 0 || got.InFixAll {
			t.Fatalf("existing %q: %+v", existing, got)
		}
		f := got.Files[0]
		wantPrefix := ""
		if existing == "dist" {
			wantPrefix = "\n"
		}
		want := wantPrefix + "# Folders that change on every commit or install (added by dockerfile-ls)\nnode_modules/\n"
		if f.Path != ".dockerignore" || f.Create != (existing == "") || f.Append != want {
			t.Errorf("existing %q: %+v", existing, f)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
