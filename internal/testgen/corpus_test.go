package testgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fatalRecorder is a testing.TB whose Fatalf records instead of stopping
// the test, to check what CorpusFiles does with a bad corpus.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestSampleFiles(t *testing.T) {
	t.Setenv(CorpusEnv, "")
	files := CorpusFiles(t)
	if len(files) < sampleMin {
		t.Fatalf("%d files", len(files))
	}
	sources := map[string]int{}
	for _, f := range files {
		if name := filepath.Base(f); strings.HasPrefix(name, "LICENSE") || strings.HasSuffix(name, ".md") {
			t.Errorf("%s is not a Dockerfile", f)
		}
		sources[filepath.Base(filepath.Dir(f))]++
	}
	if sources["awesome-compose"] == 0 || sources["github"] == 0 || len(sources) != 2 {
		t.Errorf("files per source: %v", sources)
	}
	for _, licence := range []string{"awesome-compose/LICENSE", "github/LICENSE.md", "README.md"} {
		if _, err := os.Stat(filepath.Join(SampleDir(), licence)); err != nil {
			t.Error(err)
		}
	}
}

// TestFullCorpusFails: with $DFLS_CORPUS naming a missing folder or one
// with too few files, the corpus tests fail rather than run on nothing.
func TestFullCorpusFails(t *testing.T) {
	small := t.TempDir()
	for i := range 3 {
		writeFile(t, filepath.Join(small, "github", fmt.Sprint(i)))
	}
	for dir, want := range map[string]string{
		filepath.Join(small, "missing"): "no corpus",
		small:                           "3 Dockerfiles",
	} {
		t.Setenv(CorpusEnv, dir)
		r := &fatalRecorder{TB: t}
		if files := CorpusFiles(r); !strings.Contains(r.fatal, want) || files != nil {
			t.Errorf("%s: got %d files, failure %q, want one saying %q", dir, len(files), r.fatal, want)
		}
	}
}

// TestFullCorpus: with $DFLS_CORPUS set, every file of the folder but the
// licences and READMEs, and a relative path is taken from the module root.
func TestFullCorpus(t *testing.T) {
	dir := t.TempDir()
	for i := range fullCorpusMin + 1 {
		writeFile(t, filepath.Join(dir, fmt.Sprint("source", i%2), fmt.Sprint(i)))
	}
	writeFile(t, filepath.Join(dir, "source0", "LICENSE"))
	writeFile(t, filepath.Join(dir, "README.md"))
	t.Setenv(CorpusEnv, dir)
	if files := CorpusFiles(t); len(files) != fullCorpusMin+1 {
		t.Errorf("%d files, want %d", len(files), fullCorpusMin+1)
	}

	t.Setenv(CorpusEnv, filepath.Join("internal", "testgen", "testdata", "corpus"))
	r := &fatalRecorder{TB: t}
	CorpusFiles(r)
	if !strings.Contains(r.fatal, "Dockerfiles under "+SampleDir()+", want at least") {
		t.Errorf("the relative path did not find the sample: %q", r.fatal)
	}
}

func writeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("FROM a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
