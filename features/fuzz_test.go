package features

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// FuzzFormat: whatever the text, formatting gives in-range edits, a result
// that formats to itself and that BuildKit reads as it read the input.
func FuzzFormat(f *testing.F) {
	seeds, _ := filepath.Glob("../dockerfile/testdata/*")
	for _, s := range append(seeds, testgen.CorpusFiles(f)[:200]...) {
		if text, err := os.ReadFile(s); err == nil {
			f.Add(text)
		}
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		checkFormat(t, "fuzz input", dockerfile.Parse(text))
	})
}
