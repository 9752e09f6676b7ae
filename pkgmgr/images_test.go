package pkgmgr

import (
	"fmt"
	"testing"
)

// TestParseImageMemoBounded: the memo answers as the parser does, and a
// file of many distinct references does not grow it past its bound.
func TestParseImageMemoBounded(t *testing.T) {
	for i := range 3 * maxParsedImages {
		ref := fmt.Sprintf("registry.example/team/app%d:1.%d-slim", i, i)
		if got, want := ParseImage(ref), parseImage(ref); got != want {
			t.Fatalf("ParseImage(%q) = %+v, want %+v", ref, got, want)
		}
	}
	parsedImages.Lock()
	defer parsedImages.Unlock()
	if n := len(parsedImages.m); n > maxParsedImages {
		t.Errorf("the memo holds %d references, more than its bound %d", n, maxParsedImages)
	}
}
