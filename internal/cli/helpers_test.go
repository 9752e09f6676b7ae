package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// casingText has a finding with a fix in fix-all (FromAsCasing).
const casingText = "FROM alpine:3.19 as base\nRUN echo hi\n"

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fixInPlace is `check --fix` on the files at paths with the real fixes.
func fixInPlace(t *testing.T, paths ...string) ([]*FileReport, error) {
	t.Helper()
	c := NewChecker(CheckOptions{Fix: true, Write: true, Stderr: io.Discard})
	var out []*FileReport
	for _, p := range paths {
		r, err := c.Check(Target{Path: p})
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// copyAlone copies each file to a folder of its own under a temporary
// one, as Dockerfile, so that its build context holds nothing else.
func copyAlone(t *testing.T, files []string) []string {
	t.Helper()
	root := t.TempDir()
	copies := make([]string, len(files))
	for i, f := range files {
		dir := filepath.Join(root, fmt.Sprint(i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		copies[i] = write(t, dir, "Dockerfile", read(t, f))
	}
	return copies
}

// inChunks splits the indexes 0..n-1 over the cores and runs work on each
// part at once.
func inChunks(n int, work func(part []int)) {
	var wg sync.WaitGroup
	chunks := max(1, runtime.GOMAXPROCS(0))
	for c := range chunks {
		var part []int
		for i := c; i < n; i += chunks {
			part = append(part, i)
		}
		wg.Go(func() { work(part) })
	}
	wg.Wait()
}

// fixAllInPlace runs fixInPlace over the files, split over the cores.
func fixAllInPlace(t *testing.T, paths []string) {
	inChunks(len(paths), func(part []int) {
		var mine []string
		for _, i := range part {
			mine = append(mine, paths[i])
		}
		if _, err := fixInPlace(t, mine...); err != nil {
			t.Error(err)
		}
	})
}
