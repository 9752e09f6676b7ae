package codeactions

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// FuzzFixes: whatever the text, every fix offered applies cleanly, keeps
// the file parsing, removes its finding and adds no error, and fixAll
// settles. Seeded with the golden inputs of every fix and corpus files.
func FuzzFixes(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.in.Dockerfile")
	for _, s := range append(seeds, testgen.CorpusFiles(f)[:200]...) {
		if text, err := os.ReadFile(s); err == nil {
			f.Add(text)
		}
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		checkFixes(t, "fuzz input", text)
	})
}
