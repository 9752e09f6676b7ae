package codeactions

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// FuzzFixes: whatever the text, every fix offered applies cleanly, keeps
// the file parsing, removes its finding and adds no error, and fixAll
// settles. Seeded with the golden inputs of every fix and corpus files.
func FuzzFixes(f *testing.F) {
	testgen.AddFuzzSeeds(f, "testdata/*/*.in.Dockerfile")
	f.Fuzz(func(t *testing.T, text []byte) {
		checkFixes(t, "fuzz input", text)
	})
}
