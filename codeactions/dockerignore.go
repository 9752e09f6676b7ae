package codeactions

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

func init() { register(diagnostics.Dockerignore, dockerignore) }

// dockerignore adds the volatile folders to the ignore file in use, or
// creates .dockerignore at the context root. Offered, never applied by
// fixAll: excluding files changes what the build can COPY.
func dockerignore(fx FixInput) (Action, bool) {
	f, bctx := fx.Finding, fx.Context
	paths := strings.Fields(f.Fix.Args["paths"])
	if bctx == nil || len(paths) == 0 {
		return Action{}, false
	}
	lines := "# Folders that change on every commit or install (added by dockerfile-ls)\n" + strings.Join(paths, "\n") + "\n"
	edit := FileEdit{Path: ".dockerignore", Create: true, Append: lines}
	if existing := bctx.IgnoreFile(); existing != "" {
		rel, err := filepath.Rel(bctx.Root(), existing)
		if err != nil {
			return Action{}, false
		}
		text, err := safefile.Read(ignoreRoot(bctx.Root(), existing, rel), existing, safefile.MaxIgnoreFile)
		if err != nil {
			return Action{}, false // not a file to append to
		}
		if len(text) > 0 && !strings.HasSuffix(string(text), "\n") {
			lines = "\n" + lines
		}
		edit = FileEdit{Path: filepath.ToSlash(rel), Append: lines}
	}
	return Action{
		Title: fmt.Sprintf("Add %s to %s", strings.Join(paths, ", "), filepath.Base(edit.Path)),
		Files: []FileEdit{edit},
	}, true
}

// ignoreRoot is the folder the ignore file in use (rel is its path from
// the context root) must not lead out of, as when the context was loaded:
// the context, or the Dockerfile's folder for a Dockerfile's own ignore
// file beside it outside the context. The file is read again, never
// trusted: its owner may have swapped in a FIFO or a symlink since.
func ignoreRoot(root, file, rel string) string {
	if filepath.IsLocal(rel) {
		return root
	}
	return filepath.Dir(file)
}
