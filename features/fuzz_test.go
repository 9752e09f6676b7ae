package features

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// FuzzFormat: whatever the text, formatting gives in-range edits, a result
// that formats to itself and that BuildKit reads as it read the input.
func FuzzFormat(f *testing.F) {
	testgen.AddFuzzSeeds(f, "../dockerfile/testdata/*")
	f.Fuzz(func(t *testing.T, text []byte) {
		checkFormat(t, "fuzz input", dockerfile.Parse(text))
	})
}
