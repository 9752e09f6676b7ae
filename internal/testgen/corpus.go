package testgen

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// CorpusFiles lists the real-world Dockerfiles of shared/corpus beside the
// project (see its README; read, never edit), failing the test when the
// corpus is missing rather than letting a corpus test pass on nothing.
func CorpusFiles(t testing.TB) []string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") && !strings.Contains(filepath.Base(f), "LICENSE") {
			out = append(out, f)
		}
	}
	if len(out) < 2000 {
		t.Fatalf("corpus not found: %d files under %s", len(out), dir)
	}
	return out
}

// AddFuzzSeeds seeds a fuzz target with the files matching the patterns
// (relative to the test's package) and the first 200 corpus files.
func AddFuzzSeeds(f *testing.F, patterns ...string) {
	var files []string
	for _, p := range patterns {
		m, _ := filepath.Glob(p)
		files = append(files, m...)
	}
	for _, path := range append(files, CorpusFiles(f)[:200]...) {
		if text, err := os.ReadFile(path); err == nil {
			f.Add(text)
		}
	}
}
