package codeactions

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// The oracle tests build fixtures on a real BuildKit (internal/oracle) and
// hold the fixes to their promise: the image keeps its files. They need a
// daemon, so they run only when asked for: `go test ./codeactions -run
// Oracle` (make test-docker) or DOCKERFILE_LS_ORACLE=1. Asked for, a missing
// BuildKit skips with the reason, or fails under CI=true.

const oracleEnv = "DOCKERFILE_LS_ORACLE"

// oracleRequested: -run names the oracle tests, or the variable is set.
func oracleRequested() bool {
	if os.Getenv(oracleEnv) == "1" {
		return true
	}
	f := flag.Lookup("test.run")
	return f != nil && strings.Contains(f.Value.String(), "Oracle")
}

// startOracle starts one buildkitd for the test, stopped when it ends.
func startOracle(t *testing.T) *oracle.Daemon {
	t.Helper()
	ci := os.Getenv("CI") == "true"
	if !oracleRequested() {
		t.Skipf("BuildKit oracle test: runs in make test-docker (go test ./codeactions -run Oracle) or with %s=1", oracleEnv)
	}
	if testing.Short() && !ci {
		t.Skip("-short: not starting BuildKit")
	}
	dir, err := os.MkdirTemp("", "codeactions-oracle-")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	d, err := oracle.Start(ctx, dir)
	if err != nil {
		os.RemoveAll(dir)
		if ci {
			t.Fatalf("BuildKit oracle unavailable in CI: %v", err)
		}
		t.Skipf("BuildKit oracle unavailable (run scripts/buildkit-setup.sh): %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Log(err)
		}
		os.RemoveAll(dir)
	})
	t.Logf("buildkitd %s (%s snapshotter)", d.Bin.Version, d.Snapshotter)
	return d
}

// oracleFixture is testdata/oracle/<kind>/<name>/: a Dockerfile (outside
// the context, so that it is not part of what `COPY .` copies), context/
// and fixture.json. The stand-ins in testdata/oracle/standins/ are added to
// the context as standins/ when the Dockerfile bind-mounts them (a RUN
// copies them onto PATH; its bind mount is not a COPY, so the rules do not
// count it as one).
type oracleFixture struct {
	Name, Dir   string
	Description string `json:"description"`
	// Edit is the context file (not a manifest) changed between the two
	// builds of the reorder test.
	Edit string `json:"edit"`
	// ContextMode is the permission of the context's folders ("0775" for
	// a checkout under umask 002); files get it without the x bits.
	ContextMode string `json:"contextMode"`
	// CacheDirs (add-cache-mount) are the folders the stand-ins cache
	// into: the fixed image must have nothing below them.
	CacheDirs []string `json:"cacheDirs"`
	// OriginalCaches: the original image has files below CacheDirs
	// (proof that the stand-in really writes there).
	OriginalCaches bool `json:"originalCaches"`
	// MayRefuse: the fix may rightly decline this fixture.
	MayRefuse bool `json:"mayRefuse"`
	// Generate are context files made by the test, path -> size in bytes
	// (the size rules ignore copies under 100 kB; no need to commit them).
	Generate map[string]int `json:"generate"`
	// Refused (copy-manifests-first): a control where the fix must not be
	// offered; naive.Dockerfile, the reorder a user might write by hand,
	// must fail to build or give a different image.
	Refused bool `json:"refused"`
}

func loadOracleFixtures(t *testing.T, kind diagnostics.FixKind) []oracleFixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "oracle", string(kind), "*", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []oracleFixture
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fx := oracleFixture{Dir: filepath.Dir(f), Name: filepath.Base(filepath.Dir(f))}
		if err := json.Unmarshal(b, &fx); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, fx)
	}
	slices.SortFunc(out, func(a, b oracleFixture) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// oracleWork is one fixture copied into a temporary folder.
type oracleWork struct {
	Root     string // temporary folder
	Context  string // Root/context
	Original string // Root/Dockerfile
	Fixed    string // Root/fixed.Dockerfile
}

// prepare copies the fixture's context with deterministic modes (folders
// 0755 or ContextMode, files the same without x bits unless they have
// some) and its Dockerfile into a fresh folder.
func (fx oracleFixture) prepare(t *testing.T) oracleWork {
	t.Helper()
	dirMode := fs.FileMode(0o755)
	if fx.ContextMode != "" {
		m, err := strconv.ParseUint(fx.ContextMode, 8, 32)
		if err != nil {
			t.Fatalf("contextMode %q: %v", fx.ContextMode, err)
		}
		dirMode = fs.FileMode(m)
	}
	w := oracleWork{Root: t.TempDir()}
	w.Context = filepath.Join(w.Root, "context")
	w.Original = filepath.Join(w.Root, "Dockerfile")
	w.Fixed = filepath.Join(w.Root, "fixed.Dockerfile")
	if err := copyTreeModes(filepath.Join(fx.Dir, "context"), w.Context, dirMode, dirMode&^0o111); err != nil {
		t.Fatal(err)
	}
	for name, size := range fx.Generate {
		p := filepath.Join(w.Context, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), dirMode); err != nil {
			t.Fatal(err)
		}
		line := []byte(name + " generated by the oracle test\n")
		writeFile(t, p, bytes.Repeat(line, size/len(line)+1)[:size])
		if err := os.Chmod(p, dirMode&^0o111); err != nil {
			t.Fatal(err)
		}
	}
	text, err := os.ReadFile(filepath.Join(fx.Dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), "source=standins") {
		if err := copyTreeModes(filepath.Join("testdata", "oracle", "standins"), filepath.Join(w.Context, "standins"), dirMode, dirMode&^0o111); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, w.Original, text)
	return w
}

func copyTreeModes(src, dst string, dirMode, fileMode fs.FileMode) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			if err := os.MkdirAll(target, dirMode); err != nil {
				return err
			}
			return os.Chmod(target, dirMode) // past the umask
		}
		if e.Type()&fs.ModeSymlink != 0 {
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		mode := fileMode
		if info.Mode()&0o111 != 0 {
			mode = dirMode // executable
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, b, mode); err != nil {
			return err
		}
		return os.Chmod(target, mode)
	})
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// applyFixes applies the first offered action of kind, analysing afresh
// after each, until none is offered (codeactions.For + Apply, as an editor
// applying one quick fix after another); it returns the titles applied.
func applyFixes(t *testing.T, text []byte, kind diagnostics.FixKind, bctx *buildcontext.Context) ([]byte, []string) {
	t.Helper()
	var titles []string
	for range 20 {
		doc := dockerfile.Parse(text)
		report, err := analysis.Run(t.Context(), analysis.Input{Doc: doc, Context: bctx})
		if err != nil {
			t.Fatalf("analysis: %v", err)
		}
		for _, err := range report.Errors {
			t.Errorf("analysis: %v", err)
		}
		var act *Action
		for _, a := range For(doc.State(dockerfile.Options{}), report.Findings, bctx) {
			if Kind(a.Finding) == kind {
				act = &a
				break
			}
		}
		if act == nil {
			return text, titles
		}
		if len(act.Files) > 0 {
			t.Fatalf("%s: the fix also edits other files: %+v", act.Title, act.Files)
		}
		next, err := Apply(text, act.Edits)
		if err != nil {
			t.Fatalf("%s: %v", act.Title, err)
		}
		text = next
		titles = append(titles, act.Title)
	}
	t.Fatalf("fix %s still offered after 20 rounds", kind)
	return nil, nil
}

// fixFixture loads the context and writes the fixed Dockerfile; it
// returns the titles of the fixes applied (none: nothing written).
func fixFixture(t *testing.T, w oracleWork, kind diagnostics.FixKind) []string {
	t.Helper()
	bctx, err := buildcontext.Load(t.Context(), w.Context, w.Original)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(w.Original)
	if err != nil {
		t.Fatal(err)
	}
	fixed, titles := applyFixes(t, text, kind, bctx)
	if len(titles) > 0 {
		writeFile(t, w.Fixed, fixed)
		t.Logf("applied %q; fixed Dockerfile:\n%s", titles, strings.ReplaceAll(string(fixed), "\r", "␍"))
	}
	return titles
}

var pruneMu sync.Mutex

// build runs one build of the work's context with dockerfile; export as in
// oracle.BuildOpts ("" for none).
func build(t *testing.T, d *oracle.Daemon, w oracleWork, dockerfilePath, export string) *oracle.BuildResult {
	t.Helper()
	res, err := tryBuild(t, d, w, dockerfilePath, export)
	if err != nil {
		t.Fatalf("building %s: %v", filepath.Base(dockerfilePath), err)
	}
	return res
}

func tryBuild(t *testing.T, d *oracle.Daemon, w oracleWork, dockerfilePath, export string) (*oracle.BuildResult, error) {
	return d.Build(t.Context(), oracle.BuildOpts{Context: w.Context, Dockerfile: dockerfilePath, Export: export})
}

func prune(t *testing.T, d *oracle.Daemon) {
	t.Helper()
	pruneMu.Lock()
	defer pruneMu.Unlock()
	if err := d.Prune(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// exportFiles builds and lists the image's files (a tar export).
func exportFiles(t *testing.T, d *oracle.Daemon, w oracleWork, dockerfilePath string) ([]oracle.FileEntry, *oracle.BuildResult) {
	t.Helper()
	files, res, err := tryExportFiles(t, d, w, dockerfilePath)
	if err != nil {
		t.Fatalf("building %s: %v", filepath.Base(dockerfilePath), err)
	}
	return files, res
}

func tryExportFiles(t *testing.T, d *oracle.Daemon, w oracleWork, dockerfilePath string) ([]oracle.FileEntry, *oracle.BuildResult, error) {
	tarPath := filepath.Join(w.Root, filepath.Base(dockerfilePath)+".tar")
	res, err := tryBuild(t, d, w, dockerfilePath, "type=tar,dest="+tarPath)
	if err != nil {
		return nil, res, err
	}
	defer os.Remove(tarPath)
	files, err := oracle.ListFiles(tarPath)
	return files, res, err
}

// layers builds with an OCI export and counts the image's layers.
func layers(t *testing.T, d *oracle.Daemon, w oracleWork, dockerfilePath string) int {
	t.Helper()
	ociPath := filepath.Join(w.Root, filepath.Base(dockerfilePath)+".oci")
	build(t, d, w, dockerfilePath, "type=oci,dest="+ociPath)
	n, err := oracle.LayerCount(ociPath)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(ociPath)
	return n
}

// diffFiles lists how two image listings differ, one line per path
// (mtimes are not in the listing).
func diffFiles(a, b []oracle.FileEntry, aName, bName string) []string {
	am, bm := byPath(a), byPath(b)
	var out []string
	for _, p := range sortedKeys(am, bm) {
		x, inA := am[p]
		y, inB := bm[p]
		switch {
		case !inA:
			out = append(out, fmt.Sprintf("only in %s: %s", bName, describe(y)))
		case !inB:
			out = append(out, fmt.Sprintf("only in %s: %s", aName, describe(x)))
		case x != y:
			out = append(out, fmt.Sprintf("differs: %s %s, %s %s", aName, describe(x), bName, describe(y)))
		}
	}
	return out
}

func byPath(fs []oracle.FileEntry) map[string]oracle.FileEntry {
	m := make(map[string]oracle.FileEntry, len(fs))
	for _, f := range fs {
		m[f.Path] = f
	}
	return m
}

func sortedKeys(ms ...map[string]oracle.FileEntry) []string {
	var keys []string
	for _, m := range ms {
		for k := range m {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func describe(f oracle.FileEntry) string {
	s := fmt.Sprintf("/%s %v %d:%d", f.Path, f.Mode, f.UID, f.GID)
	if f.Mode.IsRegular() {
		s += fmt.Sprintf(" %dB %.12s", f.Size, f.SHA256)
	}
	if f.LinkTarget != "" {
		s += " -> " + f.LinkTarget
	}
	return s
}

// under reports whether p (slash-separated, no leading "/") is dir or
// below it; dir is absolute.
func under(p, dir string) bool {
	d := strings.TrimPrefix(path.Clean(dir), "/")
	return p == d || strings.HasPrefix(p, d+"/")
}

// ranSteps are the steps of a build that BuildKit executed.
func ranSteps(res *oracle.BuildResult) []oracle.StepResult {
	var out []oracle.StepResult
	for _, s := range res.Steps {
		if s.Ran {
			out = append(out, s)
		}
	}
	return out
}

func stepNames(steps []oracle.StepResult) []string {
	var out []string
	for _, s := range steps {
		out = append(out, strings.TrimSpace(strings.TrimSuffix(s.Name, "\\")))
	}
	return out
}

// standinError is what a stand-in printed when it failed a build.
func standinError(res *oracle.BuildResult) string {
	if res == nil {
		return ""
	}
	for _, line := range bytes.Split(res.Log, []byte("\n")) {
		var st struct {
			Logs []struct {
				Data []byte `json:"data"`
			} `json:"logs"`
		}
		if json.Unmarshal(line, &st) != nil {
			continue
		}
		for _, l := range st.Logs {
			for _, msg := range strings.Split(string(l.Data), "\n") {
				if strings.Contains(msg, "(stand-in)") {
					return strings.TrimSpace(msg)
				}
			}
		}
	}
	return ""
}

// requireCold fails when a first build after a prune took a step from the
// cache: the counts would mean nothing.
func requireCold(t *testing.T, what string, res *oracle.BuildResult) {
	t.Helper()
	for _, s := range res.Steps {
		if s.Cached {
			t.Errorf("%s: first build after a prune took line %d (%s) from the cache", what, s.Line, s.Name)
		}
	}
}
