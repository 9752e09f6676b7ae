package testgen

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// CorpusEnv names the environment variable that switches the corpus tests
// to the full corpus (`make test-corpus` sets it): a folder of source
// folders of Dockerfiles, like ../shared/corpus. A relative path is taken
// from the module root.
const CorpusEnv = "DFLS_CORPUS"

// Fewer files than these means a wrong path or a broken checkout, not a
// corpus: the tests fail rather than pass on almost nothing.
const (
	fullCorpusMin = 2000 // the full corpus has ~2,800
	sampleMin     = 250  // the in-repo sample has 300
)

// moduleRoot is the folder of go.mod, found from this file.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// SampleDir is the in-repo sample of the corpus (see its README).
func SampleDir() string {
	return filepath.Join(moduleRoot(), "internal", "testgen", "testdata", "corpus")
}

// FullCorpus reports whether the corpus tests run over the full corpus
// named by $DFLS_CORPUS rather than the in-repo sample.
func FullCorpus() bool {
	return os.Getenv(CorpusEnv) != ""
}

// CorpusFiles lists the real-world Dockerfiles the corpus tests run over:
// the in-repo sample, or with $DFLS_CORPUS set every file of that folder.
// It fails the test, never skips it, when the folder is missing or holds
// too few files, so that a corpus test cannot pass on nothing.
func CorpusFiles(t testing.TB) []string {
	t.Helper()
	if !FullCorpus() {
		return SampleFiles(t)
	}
	dir := os.Getenv(CorpusEnv)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(moduleRoot(), dir)
	}
	files, err := dockerfilesIn(dir, fullCorpusMin)
	if err != nil {
		t.Fatalf("full corpus (%s=%s): %v; point it at a copy of shared/corpus", CorpusEnv, dir, err)
	}
	return files
}

// SampleFiles lists the in-repo sample whatever the mode (fuzz seeds come
// from it, so that a fuzz run does not depend on the environment).
func SampleFiles(t testing.TB) []string {
	t.Helper()
	files, err := dockerfilesIn(SampleDir(), sampleMin)
	if err != nil {
		t.Fatalf("corpus sample: %v", err)
	}
	return files
}

// dockerfilesIn lists dir/*/*, leaving out licences and READMEs; fewer
// than least files is an error.
func dockerfilesIn(dir string, least int) ([]string, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no corpus: %w", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*", "*"))
	if err != nil {
		return nil, fmt.Errorf("listing the corpus: %w", err)
	}
	var out []string
	for _, f := range files {
		name := filepath.Base(f)
		if !strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, "LICENSE") {
			out = append(out, f)
		}
	}
	if len(out) < least {
		return nil, fmt.Errorf("%d Dockerfiles under %s, want at least %d", len(out), dir, least)
	}
	return out, nil
}

// fuzzSeedEvery: the fuzz targets take every fifth file of the sample as
// seeds. All 300 would repeat the corpus tests in every unit run, and a
// short fuzz run would spend its time gathering baseline coverage.
const fuzzSeedEvery = 5

// AddFuzzSeeds seeds a fuzz target with the files matching the patterns
// (relative to the test's package) and a fifth of the in-repo corpus
// sample, spread over it.
func AddFuzzSeeds(f *testing.F, patterns ...string) {
	var files []string
	for _, p := range patterns {
		m, _ := filepath.Glob(p)
		files = append(files, m...)
	}
	for i, path := range SampleFiles(f) {
		if i%fuzzSeedEvery == 0 {
			files = append(files, path)
		}
	}
	for _, path := range files {
		if text, err := os.ReadFile(path); err == nil {
			f.Add(text)
		}
	}
}
