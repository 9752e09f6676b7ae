package cli

import (
	"bytes"

	"github.com/aymanbagabas/go-udiff"
)

// UnifiedDiff returns the unified diff from a to b ("" when equal), with
// udiff.DefaultContextLines (3) unchanged lines around each hunk: what
// `check --diff` prints, in the form patch and git apply read. The diff
// is gopls' (through go-udiff), line by line.
func UnifiedDiff(nameA, nameB string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	return udiff.Unified(nameA, nameB, string(a), string(b))
}
