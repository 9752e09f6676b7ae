package buildcontext

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// fixtureIgnore excludes the Dockerfile and itself so the expected totals do
// not depend on their lengths.
const fixtureIgnore = `# comment
.dockerignore
Dockerfile*
node_modules
docs
!docs/README.md
*.env
**/*_test.go
`

// fixtureFiles maps each regular file to its size.
var fixtureFiles = map[string]int{
	".dockerignore":             0, // written from fixtureIgnore
	"Dockerfile":                40,
	"app/main.go":               1000,
	"app/util/helper.go":        2000,
	"app/util/helper_test.go":   500,
	"app/__pycache__/x.pyc":     800,
	"__pycache__/mod.pyc":       700,
	"docs/README.md":            300,
	"docs/guide.md":             400,
	"docs/img/logo.png":         5000,
	"node_modules/pkg/index.js": 10000,
	"data/big.bin":              50000,
	"data/small.txt":            10,
	"secret.env":                64,
	".git/HEAD":                 21,
	".git/objects/ab/cd":        2000,
	"build/Dockerfile.dev":      30,
	"Cargo.toml":                20,
	"target/release/app":        4000,
	"lib/target/x":              10,
	"unreadable.txt":            123,
	"locked/f.txt":              50,
}

// writeTree creates files of the given sizes under dir.
func writeTree(t testing.TB, dir string, files map[string]int) {
	t.Helper()
	for name, size := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Repeat("x", size)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t testing.TB, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// makeFixture builds the shared context and reports whether permission bits
// are enforced (they are not for root, which is how these tests usually run).
func makeFixture(t *testing.T) (root string, permsEnforced bool) {
	t.Helper()
	tmp := t.TempDir()
	root = filepath.Join(tmp, "ctx")
	writeTree(t, root, fixtureFiles)
	writeFile(t, filepath.Join(root, ".dockerignore"), fixtureIgnore)
	// A big file outside the context that a followed symlink would count.
	writeTree(t, filepath.Join(tmp, "outside-target"), map[string]int{"huge": 1 << 20})
	for name, target := range map[string]string{
		"loop":    "loop",              // points at itself
		"selfdir": ".",                 // a directory loop if followed
		"outside": "../outside-target", // escapes the context
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	mustChmod(t, filepath.Join(root, "unreadable.txt"), 0)
	mustChmod(t, filepath.Join(root, "locked"), 0)
	// Restore so t.TempDir can clean up when not running as root.
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(root, "locked"), 0o755) })
	_, err := os.ReadDir(filepath.Join(root, "locked"))
	return root, err != nil
}

func mustChmod(t *testing.T, p string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func load(t *testing.T, root, dockerfile string) *Context {
	t.Helper()
	c, err := Load(context.Background(), root, dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadStats(t *testing.T) {
	root, enforced := makeFixture(t)
	c := load(t, root, "Dockerfile")
	files, bytes, errs := c.Stats()
	// Included: app 3 files/3800, __pycache__ 700, docs/README.md 300,
	// data 50010, .git 2021, build 30, Cargo.toml 20, target 4000, lib 10,
	// symlinks 4+1+17 (their own lstat size), unreadable.txt 123 and
	// locked/f.txt 50 when permissions are not enforced.
	want := [3]int64{18, 61086, 0}
	if enforced {
		// locked/ cannot be listed and unreadable.txt cannot be opened.
		want = [3]int64{17, 61036, 2}
	} else {
		t.Log("running as root: permission bits are not enforced, so chmod 000 paths are readable and count as content")
	}
	if got := [3]int64{int64(files), bytes, int64(errs)}; got != want {
		t.Fatalf("Stats = %v, want %v", got, want)
	}
	if got := c.IgnoreFile(); got != filepath.Join(c.Root(), ".dockerignore") {
		t.Errorf("IgnoreFile = %q", got)
	}
	wantPatterns := []string{".dockerignore", "Dockerfile*", "node_modules", "docs", "!docs/README.md", "*.env", "**/*_test.go"}
	if got := c.Patterns(); !reflect.DeepEqual(got, wantPatterns) {
		t.Errorf("Patterns = %q", got)
	}
}

func TestMatch(t *testing.T) {
	root, _ := makeFixture(t)
	c := load(t, root, "")
	tests := []struct {
		src   string
		files int
		bytes int64
		paths []string
	}{
		{"app", 3, 3800, []string{"app"}},
		{"./app/", 3, 3800, []string{"app"}},
		{"/app/util/*.go", 1, 2000, []string{"app/util/helper.go"}}, // _test.go ignored
		{"docs", 1, 300, []string{"docs"}},                          // negation re-includes one file
		{"docs/guide.md", 0, 0, nil},
		{"node_modules", 0, 0, nil},
		{"data/*", 2, 50010, []string{"data/big.bin", "data/small.txt"}},
		{"*.bin", 0, 0, nil}, // "*" does not cross "/"
		{"*/*.bin", 1, 50000, []string{"data/big.bin"}},
		{"d?ta/[bs]*", 2, 50010, []string{"data/big.bin", "data/small.txt"}},
		{"app/../data", 2, 50010, []string{"data"}},
		{"../../data", 2, 50010, []string{"data"}}, // cannot climb out of the context
		{"outside", 1, 17, []string{"outside"}},    // the link itself, not its target
		{"outside/huge", 0, 0, nil},
		{"selfdir/app", 0, 0, nil},
		{"**/*.go", 1, 1000, []string{"app/main.go"}}, // "**" is "*" for COPY
	}
	for _, tt := range tests {
		got := c.Match(tt.src)
		want := Selection{Files: tt.files, Bytes: tt.bytes, Paths: tt.paths}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Match(%q) = %+v, want %+v", tt.src, got, want)
		}
	}
	all := c.Match(".")
	files, bytes, _ := c.Stats()
	if all.Files != files || all.Bytes != bytes || !reflect.DeepEqual(all.Paths, []string{"."}) {
		t.Errorf("Match(.) = %+v, want %d files %d bytes", all, files, bytes)
	}
	got := c.MatchAll([]string{"app", "app/main.go", "./data/small.txt", "app/util"})
	want := Selection{Files: 4, Bytes: 3810, Paths: []string{"app", "data/small.txt"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MatchAll = %+v, want %+v", got, want)
	}
}

func TestSent(t *testing.T) {
	root, _ := makeFixture(t)
	c := load(t, root, "")
	files, bytes, _ := c.Stats()
	tests := []struct {
		srcs []string
		want Selection
	}{
		{nil, Selection{}},
		{[]string{"app", "data/small.txt", "app/main.go"}, Selection{4, 3810, []string{"app", "data/small.txt"}}},
		// BuildKit transfers by patternmatcher, where "**" crosses
		// directories: more is sent than COPY "**/*.go" copies.
		{[]string{"**/*.go"}, Selection{2, 3000, []string{"app/main.go", "app/util/helper.go"}}},
		{[]string{"data/*", "app"}, Selection{5, 53810, []string{"app", "data/big.bin", "data/small.txt"}}},
		{[]string{"*.toml", "/"}, Selection{files, bytes, []string{"."}}},
	}
	for _, tt := range tests {
		if got := c.Sent(tt.srcs); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Sent(%q) = %+v, want %+v", tt.srcs, got, tt.want)
		}
	}
}

func TestLargest(t *testing.T) {
	root, _ := makeFixture(t)
	c := load(t, root, "")
	tests := []struct {
		src  string
		n    int
		want []string
	}{
		{".", 6, []string{"data 50010", "data/big.bin 50000", "target 4000", "target/release 4000", "target/release/app 4000", "app 3800"}},
		{"app", 3, []string{"app/util 2000", "app/util/helper.go 2000", "app/main.go 1000"}},
		{"docs", 5, []string{"docs/README.md 300"}},
		{"data/*", 5, []string{"data/big.bin 50000", "data/small.txt 10"}},
		{"missing", 5, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range c.Largest(tt.src, tt.n) {
			got = append(got, fmt.Sprintf("%s %d", e.Path, e.Size))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Largest(%q, %d) = %q, want %q", tt.src, tt.n, got, tt.want)
		}
	}
}

func TestVolatile(t *testing.T) {
	root, _ := makeFixture(t)
	c := load(t, root, "")
	// node_modules is ignored; build/ holds a Dockerfile; lib/target has no
	// Cargo.toml or pom.xml beside it.
	want := []Volatile{
		{".git", volatileByName[".git"].reason, 2, 2021},
		{"__pycache__", volatileByName["__pycache__"].reason, 1, 700},
		{"app/__pycache__", volatileByName["__pycache__"].reason, 1, 800},
		{"target", volatileByName["target"].reason, 1, 4000},
	}
	if got := c.Volatile(); !reflect.DeepEqual(got, want) {
		t.Errorf("Volatile = %+v\nwant %+v", got, want)
	}
}

func TestQueries(t *testing.T) {
	root, _ := makeFixture(t)
	c := load(t, root, "")
	checks := map[string]bool{
		"Exists(docs)":               c.Exists("docs"),
		"IsDir(docs)":                c.IsDir("docs"),
		"!Exists(docs/guide.md)":     !c.Exists("docs/guide.md"),
		"!Exists(node_modules)":      !c.Exists("node_modules"),
		"!IsDir(outside)":            !c.IsDir("outside"),
		"Exists(./app/main.go)":      c.Exists("./app/main.go"),
		"Exists(.)":                  c.Exists("."),
		"Excluded(docs/guide.md)":    c.Excluded("docs/guide.md"),
		"Excluded(node_modules/a/b)": c.Excluded("node_modules/a/b"),
		"!Excluded(docs/README.md)":  !c.Excluded("docs/README.md"),
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s failed", name)
		}
	}
	if got := c.Glob("*.toml"); !reflect.DeepEqual(got, []string{"Cargo.toml"}) {
		t.Errorf("Glob(*.toml) = %q", got)
	}
	if got := c.Glob("app/*"); !reflect.DeepEqual(got, []string{"app/__pycache__", "app/main.go", "app/util"}) {
		t.Errorf("Glob(app/*) = %q", got)
	}
	if got := c.Glob("requirements*.txt"); got != nil {
		t.Errorf("Glob(requirements*.txt) = %q", got)
	}
	docs, _ := c.Stat("docs")
	if !docs.Excluded || docs.Skipped || docs.Files != 1 || docs.Size != 300 || docs.ExcludedFiles != 1 || docs.ExcludedBytes != 400 {
		t.Errorf("Stat(docs) = %+v", docs)
	}
	for _, p := range []string{"node_modules", "docs/img"} {
		if e, ok := c.Stat(p); !ok || !e.Skipped {
			t.Errorf("Stat(%s) = %+v, %v: want an unwalked ignored dir", p, e, ok)
		}
	}
	if e, _ := c.Stat("loop"); e.Mode&fs.ModeSymlink == 0 || e.Size != 4 {
		t.Errorf("Stat(loop) = %+v", e)
	}
}

// TestIgnoreFileChoice checks BuildKit's precedence on small contexts.
func TestIgnoreFileChoice(t *testing.T) {
	base := map[string]int{"a/x": 10, "b/y": 20, "c": 5}
	tests := []struct {
		name       string
		ignores    map[string]string // file -> content
		dockerfile string
		wantIgnore string
		files      int
		bytes      int64
	}{
		{"none", nil, "Dockerfile", "", 3, 35},
		{"containerignore fallback", map[string]string{".containerignore": "a\n"}, "", ".containerignore", 3, 25 + 2},
		{"dockerignore beats containerignore", map[string]string{".dockerignore": "b\n", ".containerignore": "a\n"}, "", ".dockerignore", 4, 15 + 2 + 2},
		// Replaces, never merges: "a" from .dockerignore stays included.
		{"Dockerfile.dockerignore overrides", map[string]string{".dockerignore": "a\n", "Dockerfile.dockerignore": "b\n"}, "Dockerfile", "Dockerfile.dockerignore", 4, 15 + 2 + 2},
		{"nested Dockerfile ignore", map[string]string{".dockerignore": "a\n", "build/Dockerfile.dev.dockerignore": "c\nbuild\n"}, "build/Dockerfile.dev", "build/Dockerfile.dev.dockerignore", 3, 30 + 2},
		// An empty specific file still disables the root one.
		{"empty override", map[string]string{".dockerignore": "a\n", "Dockerfile.dockerignore": ""}, "Dockerfile", "Dockerfile.dockerignore", 5, 35 + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, base)
			for name, content := range tt.ignores {
				p := filepath.Join(root, filepath.FromSlash(name))
				_ = os.MkdirAll(filepath.Dir(p), 0o755)
				writeFile(t, p, content)
			}
			c := load(t, root, tt.dockerfile)
			want := ""
			if tt.wantIgnore != "" {
				want = filepath.Join(c.Root(), filepath.FromSlash(tt.wantIgnore))
			}
			if c.IgnoreFile() != want {
				t.Errorf("IgnoreFile = %q, want %q", c.IgnoreFile(), want)
			}
			if files, bytes, _ := c.Stats(); files != tt.files || bytes != tt.bytes {
				t.Errorf("Stats = %d files %d bytes, want %d %d", files, bytes, tt.files, tt.bytes)
			}
		})
	}
}

// fakeFS injects the failures root cannot produce with chmod: an unlistable
// directory, a directory and a file vanishing mid-walk.
type fakeFS struct{ fstest.MapFS }

func (f fakeFS) readDir(rel string) ([]fs.DirEntry, error) {
	switch rel {
	case "locked", "ign/locked":
		return nil, &fs.PathError{Op: "open", Path: rel, Err: syscall.EACCES}
	case "gone":
		return nil, &fs.PathError{Op: "open", Path: rel, Err: syscall.ENOENT}
	}
	ents, err := fs.ReadDir(f.MapFS, rel)
	for i, e := range ents {
		if e.Name() == "vanished.txt" {
			ents[i] = vanishing{e}
		}
	}
	return ents, err
}

type vanishing struct{ fs.DirEntry }

func (vanishing) Info() (fs.FileInfo, error) { return nil, fs.ErrNotExist }

func TestWalkFailures(t *testing.T) {
	mfs := fstest.MapFS{
		"ok.txt":       {Data: make([]byte, 7)},
		"vanished.txt": {Data: make([]byte, 100)},
		"locked/a":     {Data: make([]byte, 100)},
		"gone/b":       {Data: make([]byte, 100)},
		"ign/locked/c": {Data: make([]byte, 100)},
	}
	// "!**/keep" forces a walk of the ignored dir, whose read error must not
	// count: BuildKit ignores permission errors on excluded paths.
	c, err := build(context.Background(), fakeFS{mfs}.readDir, []string{"ign", "!**/keep"})
	if err != nil {
		t.Fatal(err)
	}
	if files, bytes, errs := c.Stats(); files != 1 || bytes != 7 || errs != 1 {
		t.Errorf("Stats = %d, %d, %d; want 1, 7, 1", files, bytes, errs)
	}
	for _, p := range []string{"locked", "ign/locked"} {
		if e, ok := c.Stat(p); !ok || !e.Unreadable {
			t.Errorf("Stat(%s) = %+v", p, e)
		}
	}
	if c.Exists("gone") || c.Exists("vanished.txt") {
		t.Error("vanished paths should not be in the snapshot")
	}
}

func TestLoadCancelled(t *testing.T) {
	root, _ := makeFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, root, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load = %v, want context.Canceled", err)
	}
}

// BenchmarkLoad100k walks 100,000 files in 1,000 directories.
func BenchmarkLoad100k(b *testing.B) {
	root := b.TempDir()
	writeFile(b, filepath.Join(root, ".dockerignore"), "**/*.tmp\nd00*\n!d001/**\n")
	for d := 0; d < 1000; d++ {
		dir := filepath.Join(root, fmt.Sprintf("d%03d", d/10), fmt.Sprintf("s%d", d%10))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := 0; f < 100; f++ {
			writeFile(b, filepath.Join(dir, fmt.Sprintf("f%03d.go", f)), "package x\n")
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, err := Load(context.Background(), root, "")
		if err != nil {
			b.Fatal(err)
		}
		if n, _, _ := c.Stats(); n != 91001 {
			b.Fatalf("files = %d", n)
		}
	}
}

// FuzzIgnore feeds random ignore files and paths through the real walk and
// every query: nothing may panic, the walk (with BuildKit's directory
// skipping) must agree with matching each path on its own, and that with
// patternmatcher.
func FuzzIgnore(f *testing.F) {
	f.Add("node_modules\n!node_modules/keep\n**/*.md\n", "node_modules/keep/a\nnode_modules/x\ndocs/a.md\nsrc/b.go", "src/*")
	f.Add("a\n!a/b\na\n", "a/b\na/c", "**")
	f.Add("*\n!*/\n[\n", "x/y\n z", "[")
	f.Add("!\n", "a", "a")
	f.Add("**/**/x\n**foo\n!a**/b*\n**/*x1*\n**/*x1*\n", "a/x\nb/xfoo\nax/b1\nq/x1.go", "**/x")
	f.Fuzz(func(t *testing.T, ignore, paths, query string) {
		patterns, err := ignorefile.ReadAll(strings.NewReader(ignore))
		if err != nil {
			return
		}
		mfs := fuzzFS(paths)
		readDir := func(rel string) ([]fs.DirEntry, error) { return fs.ReadDir(mfs, rel) }
		c, err := build(context.Background(), readDir, patterns)
		if err != nil {
			return // invalid patterns: BuildKit fails the build too
		}
		pm, err := patternmatcher.New(patterns)
		if err != nil {
			t.Fatalf("build accepted patterns patternmatcher rejects: %v", err)
		}
		for p := range mfs {
			checkConsistent(t, c, p)
			if want, err := referenceChain(pm, p); err == nil && c.Excluded(p) != want {
				t.Fatalf("%s: Excluded=%v, patternmatcher says %v", p, c.Excluded(p), want)
			}
		}
		_ = c.Match(query)
		_ = c.Sent([]string{query, "a"})
		_ = c.Largest(query, 3)
		_ = c.Volatile()
		_ = c.Glob(query)
		_ = c.Excluded(query)
	})
}

// fuzzFS builds a tree of files from newline-separated paths, dropping
// invalid ones and ones that would need a file to also be a directory.
func fuzzFS(paths string) fstest.MapFS {
	mfs := fstest.MapFS{}
	for _, p := range strings.Split(paths, "\n") {
		if fs.ValidPath(p) && p != "." && len(mfs) < 64 {
			mfs[p] = &fstest.MapFile{Data: []byte(p)}
		}
	}
	for p := range mfs {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			delete(mfs, d)
		}
	}
	return mfs
}

func checkConsistent(t *testing.T, c *Context, p string) {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if e, ok := c.Stat(d); ok && e.Skipped {
			if c.Exists(p) {
				t.Fatalf("%s exists inside skipped %s", p, d)
			}
			return
		}
	}
	if c.Exists(p) == c.Excluded(p) {
		t.Fatalf("%s: Exists=%v Excluded=%v", p, c.Exists(p), c.Excluded(p))
	}
}
