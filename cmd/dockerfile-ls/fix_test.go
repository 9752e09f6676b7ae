package main

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const casingText = "FROM alpine:3.19 as base\nrun echo hi\nRUN echo x\ncopy a /a\n"
const casingFixed = "FROM alpine:3.19 AS base\nRUN echo hi\nRUN echo x\nCOPY a /a\n"

func TestFixInPlace(t *testing.T) {
	withFixes(t, fakeFixes)
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", casingText)
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "check", "--fix", "--fail-level", "warning", p)
	if got := read(t, p); got != casingFixed {
		t.Errorf("fixed:\n%s", got)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	// Only the findings left are reported; the summary says what was fixed.
	if code != 0 || out != "" || !strings.Contains(errOut, "fixed 3 problems") {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left files behind: %v", entries)
	}
	// Fixed files stay fixed.
	if code, _, _ := runCLI(t, "check", "--fix", p); code != 0 || read(t, p) != casingFixed {
		t.Errorf("second --fix: exit %d\n%s", code, read(t, p))
	}
}

func TestFixSymlink(t *testing.T) {
	withFixes(t, fakeFixes)
	dir := t.TempDir()
	real := write(t, dir, "real.Dockerfile", casingText)
	link := filepath.Join(dir, "Dockerfile")
	if err := os.Symlink("real.Dockerfile", link); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "check", "--fix", link); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v %v", st.Mode(), err)
	}
	if read(t, real) != casingFixed {
		t.Errorf("the link's target was not fixed:\n%s", read(t, real))
	}
}

func TestFixDiff(t *testing.T) {
	withFixes(t, fakeFixes)
	p := write(t, t.TempDir(), "Dockerfile", casingText)
	code, out, _ := runCLI(t, "check", "--diff", p)
	if read(t, p) != casingText {
		t.Error("--diff wrote the file")
	}
	if code != 0 || !strings.Contains(out, "-run echo hi\n") || !strings.Contains(out, "+RUN echo hi\n") || !strings.HasPrefix(out, "--- "+p+"\n+++ "+p+"\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if got := applyUnifiedDiff(t, casingText, out); got != casingFixed {
		t.Errorf("the diff does not turn the file into the fixed one:\n%s", got)
	}
}

func TestFixStdin(t *testing.T) {
	withFixes(t, fakeFixes)
	var out, errOut buffer
	code := run([]string{"check", "--fix", "-"}, strings.NewReader(casingText), &out, &errOut)
	if code != 0 || out.String() != casingFixed {
		t.Errorf("exit %d: %q %q", code, out.String(), errOut.String())
	}
}

// TestFailedWriteKeepsOriginal injects a failure at each step of the
// atomic write: the Dockerfile must keep its old content and no temporary
// file may be left.
func TestFailedWriteKeepsOriginal(t *testing.T) {
	withFixes(t, fakeFixes)
	boom := errors.New("injected failure")
	steps := map[string]func(){
		"write": func() {
			writeTemp = func(f *os.File, data []byte) (int, error) {
				n, _ := f.Write(data[:len(data)/2]) // half-written, then fails
				return n, boom
			}
		},
		"sync":   func() { syncTemp = func(*os.File) error { return boom } },
		"rename": func() { renameTemp = func(string, string) error { return boom } },
	}
	for name, inject := range steps {
		t.Run(name, func(t *testing.T) {
			savedW, savedS, savedR := writeTemp, syncTemp, renameTemp
			t.Cleanup(func() { writeTemp, syncTemp, renameTemp = savedW, savedS, savedR })
			inject()
			dir := t.TempDir()
			p := write(t, dir, "Dockerfile", casingText)
			code, _, errOut := runCLI(t, "check", "--fix", p)
			if code != 2 || !strings.Contains(errOut, "injected failure") {
				t.Errorf("exit %d: %s", code, errOut)
			}
			if read(t, p) != casingText {
				t.Errorf("the original changed:\n%s", read(t, p))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("left files behind: %v", entries)
			}
		})
	}
	t.Run("read-only folder", func(t *testing.T) {
		if os.Geteuid() == 0 || runtime.GOOS == "windows" {
			t.Skip("root ignores folder permissions")
		}
		dir := t.TempDir()
		p := write(t, dir, "Dockerfile", casingText)
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		if code, _, _ := runCLI(t, "check", "--fix", p); code != 2 || read(t, p) != casingText {
			t.Errorf("exit %d:\n%s", code, read(t, p))
		}
	})
}

// parsesWorse reports whether after has a parse error before had not, or
// more instructions BuildKit rejects.
func parsesWorse(after, before *dockerfile.Document) bool {
	rejected := func(doc *dockerfile.Document) int {
		n := 0
		for _, in := range doc.Instructions {
			if in.Err() != nil {
				n++
			}
		}
		return n
	}
	return after.Error != nil && before.Error == nil || rejected(after) > rejected(before)
}

// applyUnifiedDiff applies a one-file unified diff to text.
func applyUnifiedDiff(t *testing.T, text, diff string) string {
	t.Helper()
	old := splitLines([]byte(text))
	var out []string
	pos := 0
	lines := strings.SplitAfter(diff, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "--- "), strings.HasPrefix(l, "+++ "), l == "":
		case strings.HasPrefix(l, "@@"):
			var a, b, c, d int
			if _, err := fmt.Sscanf(l, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &d); err != nil {
				// Counts of 1 are left out.
				n, _ := fmt.Sscanf(l, "@@ -%d", &a)
				if n != 1 {
					t.Fatalf("bad hunk header %q", l)
				}
			}
			start := a - 1
			if b == 0 && strings.Contains(l, ",0 ") {
				start = a
			}
			out = append(out, old[pos:start]...)
			pos = start
		case strings.HasPrefix(l, `\ No newline`):
			last := len(out) - 1
			if i > 0 && strings.HasPrefix(lines[i-1], "-") {
				continue
			}
			out[last] = strings.TrimSuffix(out[last], "\n")
		case l[0] == ' ':
			if old[pos] != l[1:] && old[pos]+"\n" != l[1:] {
				t.Fatalf("context %q does not match %q", l[1:], old[pos])
			}
			out = append(out, old[pos])
			pos++
		case l[0] == '-':
			pos++
		case l[0] == '+':
			out = append(out, l[1:])
		}
	}
	return strings.Join(append(out, old[pos:]...), "")
}

// TestUnifiedDiff applies random diffs back.
func TestUnifiedDiff(t *testing.T) {
	if unifiedDiff("a", "b", []byte("x\n"), []byte("x\n")) != "" {
		t.Error("equal texts diff")
	}
	rng := rand.New(rand.NewSource(1))
	words := []string{"FROM a\n", "RUN b\n", "COPY c d\n", "ENV e=f\n", "# g\n", "\n"}
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[rng.Intn(len(words))])
		}
		s := b.String()
		if rng.Intn(4) == 0 {
			s = strings.TrimSuffix(s, "\n")
		}
		return s
	}
	for i := range 500 {
		a, b := gen(rng.Intn(30)), gen(rng.Intn(30))
		if i%2 == 0 && len(a) > 0 { // small edits, as fixes make
			b = a[:len(a)/2] + gen(2) + a[len(a)/2:]
		}
		d := unifiedDiff("a/x", "b/x", []byte(a), []byte(b))
		if got := applyUnifiedDiff(t, a, d); got != b {
			t.Fatalf("diff of %q to %q:\n%s\napplies as %q", a, b, d, got)
		}
	}
}

// TestFixCorpus runs --fix with the real fixes on a copy of every corpus
// file: a file that parsed still parses (and BuildKit rejects no more
// instructions), and a second --fix changes nothing.
func TestFixCorpus(t *testing.T) {
	files := testgen.CorpusFiles(t)
	// Durability is TestFailedWriteKeepsOriginal's business; thousands of
	// fsyncs would only make this test slow.
	savedS, savedD := syncTemp, syncDir
	syncTemp, syncDir = func(*os.File) error { return nil }, func(string) {}
	t.Cleanup(func() { syncTemp, syncDir = savedS, savedD })
	root := t.TempDir()
	var copies []string
	for i, f := range files {
		dir := filepath.Join(root, fmt.Sprint(i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, write(t, dir, "Dockerfile", read(t, f)))
	}
	fixAll := func() {
		t.Helper()
		// Several processes' worth of work: split over the cores.
		var wg sync.WaitGroup
		chunks := max(1, runtime.GOMAXPROCS(0))
		for c := range chunks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var part []string
				for i := c; i < len(copies); i += chunks {
					part = append(part, copies[i])
				}
				var out, errOut buffer
				if code := runCheck(append([]string{"--fix", "--fail-level", "none", "--format", "json"}, part...), strings.NewReader(""), &out, &errOut); code != 0 {
					t.Errorf("exit %d: %s", code, errOut.String())
				}
			}()
		}
		wg.Wait()
	}
	fixAll()
	first := make([]string, len(copies))
	changed := 0
	for i, p := range copies {
		first[i] = read(t, p)
		orig := read(t, files[i])
		if first[i] != orig {
			changed++
		}
		before, after := dockerfile.Parse([]byte(orig)), dockerfile.Parse([]byte(first[i]))
		if parsesWorse(after, before) {
			t.Errorf("%s: the fixes broke the file:\n%s", files[i], unifiedDiff("before", "after", []byte(orig), []byte(first[i])))
		}
	}
	fixAll()
	again := 0
	for i, p := range copies {
		if now := read(t, p); now != first[i] {
			again++
			if again <= 5 {
				t.Errorf("%s: a second --fix changed it:\n%s", files[i], unifiedDiff("first", "second", []byte(first[i]), []byte(now)))
			}
		}
	}
	if again > 0 {
		t.Errorf("%d files changed on the second --fix", again)
	}
	t.Logf("%d of %d files fixed", changed, len(copies))
}
