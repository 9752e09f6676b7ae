package codeactions

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// TestOracle proves the fixes on a real BuildKit (see oracle_helpers_test.go
// for when it runs). Package managers cannot download here, so the
// fixtures put busybox stand-ins for pip, npm, yarn, go and bundle on PATH
// (testdata/oracle/standins): each reads exactly the files the real tool
// reads, fails as it does when one is missing, and writes what it would
// write (site-packages, node_modules, the module cache, caches).
//
//   - copy-manifests-first: the original and the fixed Dockerfile give
//     images with the same files (content, mode, owner); after an edit of a
//     source file, the fixed one re-runs fewer steps.
//   - add-cache-mount: the build passes, nothing is left below the caches,
//     everything else is the same.
//   - copy-chown: the same files and owners, in one layer fewer per RUN
//     the fix removes.
func TestOracle(t *testing.T) {
	d := startOracle(t)
	t0 := time.Now()
	var summary []string
	t.Run(string(diagnostics.CopyManifestsFirst), func(t *testing.T) {
		requireFixer(t, diagnostics.CopyManifestsFirst)
		fixtures := loadOracleFixtures(t, diagnostics.CopyManifestsFirst)
		if n := len(fixtures) - countFunc(fixtures, func(fx oracleFixture) bool { return fx.Refused }); n < 10 {
			t.Fatalf("%d reorder fixtures, want at least 10", n)
		}
		for _, fx := range fixtures {
			t.Run(fx.Name, func(t *testing.T) {
				if fx.Refused {
					summary = append(summary, oracleRefused(t, d, fx))
					return
				}
				summary = append(summary, oracleReorder(t, d, fx))
			})
		}
	})
	t.Run(string(diagnostics.AddCacheMount), func(t *testing.T) {
		requireFixer(t, diagnostics.AddCacheMount)
		for _, fx := range loadOracleFixtures(t, diagnostics.AddCacheMount) {
			t.Run(fx.Name, func(t *testing.T) {
				summary = append(summary, oracleCacheMount(t, d, fx))
			})
		}
	})
	t.Run(string(diagnostics.CopyChown), func(t *testing.T) {
		requireFixer(t, diagnostics.CopyChown)
		offered := 0
		for _, fx := range loadOracleFixtures(t, diagnostics.CopyChown) {
			t.Run(fx.Name, func(t *testing.T) {
				line, ok := oracleCopyChown(t, d, fx)
				summary = append(summary, line)
				if ok {
					offered++
				}
			})
		}
		if offered == 0 {
			t.Errorf("the %s fix is registered but was offered on none of the fixtures", diagnostics.CopyChown)
		}
	})
	t.Logf("summary (%s):\n%s", time.Since(t0).Round(time.Second), strings.Join(summary, "\n"))
}

// oracleKinds are the fixes TestOracle proves on BuildKit.
var oracleKinds = []diagnostics.FixKind{diagnostics.CopyManifestsFirst, diagnostics.AddCacheMount, diagnostics.CopyChown}

// TestOracleFixersRegistered needs no daemon, so that it runs in plain `go
// test ./codeactions/`: a fix TestOracle proves cannot be deleted, or its
// kind renamed, without a failure outside make test-docker too.
func TestOracleFixersRegistered(t *testing.T) {
	for _, kind := range oracleKinds {
		requireFixer(t, kind)
	}
}

// requireFixer fails the test when no fixer is registered for kind: an
// oracle proof without its fix must not pass.
func requireFixer(t *testing.T, kind diagnostics.FixKind) {
	t.Helper()
	if _, ok := fixers[kind]; !ok {
		t.Errorf("no fix of kind %q is registered: the oracle has nothing to prove", kind)
	}
}

// oracleReorder builds the original and the fixed Dockerfile cold, compares
// their images, edits a source file and counts what each re-runs.
func oracleReorder(t *testing.T, d *oracle.Daemon, fx oracleFixture) string {
	w := fx.prepare(t)
	if len(fixFixture(t, w, diagnostics.CopyManifestsFirst)) == 0 {
		t.Fatalf("%s: no %s fix offered", fx.Name, diagnostics.CopyManifestsFirst)
	}
	editPath := filepath.Join(w.Context, filepath.FromSlash(fx.Edit))
	before, err := os.ReadFile(editPath)
	if err != nil {
		t.Fatalf("edit: %v", err)
	}
	edited := append(append([]byte{}, before...), "\n"+commentFor(fx.Edit)+" edited by the oracle test\n"...)

	// measure: cold build with export, edit, rebuild; the context is
	// restored afterwards and the cache pruned before.
	measure := func(dfPath string) ([]oracle.FileEntry, []oracle.StepResult) {
		prune(t, d)
		files, first := exportFiles(t, d, w, dfPath)
		requireCold(t, filepath.Base(dfPath), first)
		writeFile(t, editPath, edited)
		defer writeFile(t, editPath, before)
		second := build(t, d, w, dfPath, "")
		return files, ranSteps(second)
	}
	origFiles, origRan := measure(w.Original)
	fixedFiles, fixedRan := measure(w.Fixed)

	diff := diffFiles(origFiles, fixedFiles, "original", "fixed")
	if len(diff) > 0 {
		t.Errorf("the fix changed the image (%d paths):\n%s", len(diff), strings.Join(diff, "\n"))
	}
	if len(origFiles) == 0 {
		t.Error("empty image")
	}
	t.Logf("after editing %s: original re-ran %d %q; fixed re-ran %d %q", fx.Edit, len(origRan), stepNames(origRan), len(fixedRan), stepNames(fixedRan))
	if len(fixedRan) >= len(origRan) {
		t.Errorf("the fixed Dockerfile re-ran %d steps, the original %d: want fewer", len(fixedRan), len(origRan))
	}
	for _, name := range stepNames(fixedRan) {
		if !slices.Contains(stepNames(origRan), name) {
			t.Errorf("the fixed Dockerfile re-ran %q, which the original did not", name)
		}
	}
	return fmt.Sprintf("  reorder %-22s re-ran %d -> %d  %s", fx.Name, len(origRan), len(fixedRan), sameImage(origFiles, diff))
}

// oracleRefused: a control. The fix must not be offered, and BuildKit
// must show why: the hand-written reorder fails or changes the image.
func oracleRefused(t *testing.T, d *oracle.Daemon, fx oracleFixture) string {
	w := fx.prepare(t)
	if titles := fixFixture(t, w, diagnostics.CopyManifestsFirst); len(titles) > 0 {
		t.Errorf("the fix was offered on a control where it must not be: %q", titles)
	}
	naive, err := os.ReadFile(filepath.Join(fx.Dir, "naive.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	naivePath := filepath.Join(w.Root, "naive.Dockerfile")
	writeFile(t, naivePath, naive)
	prune(t, d)
	origFiles, _ := exportFiles(t, d, w, w.Original)
	prune(t, d)
	naiveFiles, res, err := tryExportFiles(t, d, w, naivePath)
	if err != nil {
		msg := standinError(res)
		if msg == "" {
			msg = err.Error()
		}
		t.Logf("as expected, the hand-written reorder fails to build: %s", msg)
		return fmt.Sprintf("  control %-22s not offered; hand reorder fails to build", fx.Name)
	}
	diff := diffFiles(origFiles, naiveFiles, "original", "hand reorder")
	if len(diff) == 0 {
		t.Errorf("the control proves nothing: the hand-written reorder gives the same image")
	}
	t.Logf("as expected, the hand-written reorder changes the image:\n%s", strings.Join(diff, "\n"))
	return fmt.Sprintf("  control %-22s not offered; hand reorder changes %d paths", fx.Name, len(diff))
}

// sameImage is the summary's verdict on an image comparison.
func sameImage(files []oracle.FileEntry, diff []string) string {
	if len(diff) > 0 {
		return fmt.Sprintf("IMAGE CHANGED: %d of %d paths differ", len(diff), len(files))
	}
	return fmt.Sprintf("(%d paths identical)", len(files))
}

func runCount(t *testing.T, dockerfilePath string) int {
	t.Helper()
	text, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range dockerfile.Parse(text).Instructions {
		if in.Keyword == "RUN" {
			n++
		}
	}
	return n
}

func countFunc[T any](s []T, f func(T) bool) int {
	n := 0
	for _, v := range s {
		if f(v) {
			n++
		}
	}
	return n
}

func commentFor(name string) string {
	switch filepath.Ext(name) {
	case ".go", ".js", ".ts":
		return "//"
	case ".html":
		return "<!-- -->"
	}
	return "#"
}

// oracleCacheMount builds the original and the fixed Dockerfile: the fixed
// one must build, leave nothing below the cache folders, and otherwise
// give the same files.
func oracleCacheMount(t *testing.T, d *oracle.Daemon, fx oracleFixture) string {
	w := fx.prepare(t)
	if len(fx.CacheDirs) == 0 {
		t.Fatal("fixture.json names no cacheDirs")
	}
	if len(fixFixture(t, w, diagnostics.AddCacheMount)) == 0 {
		if fx.MayRefuse {
			t.Skipf("no %s fix offered (the fixture allows it)", diagnostics.AddCacheMount)
		}
		t.Fatalf("no %s fix offered", diagnostics.AddCacheMount)
	}
	prune(t, d)
	origFiles, _ := exportFiles(t, d, w, w.Original)
	prune(t, d)
	fixedFiles, _ := exportFiles(t, d, w, w.Fixed)

	inCache := func(p string) bool {
		return slices.ContainsFunc(fx.CacheDirs, func(dir string) bool { return under(p, dir) && p != strings.TrimPrefix(dir, "/") })
	}
	// isMountPoint: a cache folder or a folder above it, which the mount
	// may leave in the image.
	isMountPoint := func(p string) bool {
		return slices.ContainsFunc(fx.CacheDirs, func(dir string) bool { return under(strings.TrimPrefix(dir, "/"), "/"+p) })
	}
	split := func(files []oracle.FileEntry) (rest []oracle.FileEntry, cached int) {
		for _, f := range files {
			if inCache(f.Path) {
				cached++
				continue
			}
			rest = append(rest, f)
		}
		return rest, cached
	}
	origRest, origCached := split(origFiles)
	fixedRest, fixedCached := split(fixedFiles)
	if fx.OriginalCaches && origCached == 0 {
		t.Errorf("the original image has nothing below %q: the stand-in did not cache, so the test proves nothing", fx.CacheDirs)
	}
	if fixedCached > 0 {
		var left []string
		for _, f := range fixedFiles {
			if inCache(f.Path) {
				left = append(left, describe(f))
			}
		}
		t.Errorf("the fixed image still has %d entries below %q:\n%s", fixedCached, fx.CacheDirs, strings.Join(left, "\n"))
	}
	// A cache folder and the folders above it may appear (a mount point)
	// or vanish (made only by the cache writes) but not change.
	var mountPoints []string
	changed := 0
	origBy, fixedBy := byPath(origRest), byPath(fixedRest)
	for _, p := range sortedKeys(origBy, fixedBy) {
		x, inOrig := origBy[p]
		y, inFixed := fixedBy[p]
		switch {
		case inOrig && inFixed && x == y:
		case inOrig != inFixed && isMountPoint(p):
			mountPoints = append(mountPoints, fmt.Sprintf("/%s (only in %s)", p, map[bool]string{true: "original", false: "fixed"}[inOrig]))
		case !inFixed:
			changed++
			t.Errorf("outside the caches, the fix removed %s", describe(x))
		case !inOrig:
			changed++
			t.Errorf("outside the caches, the fix added %s", describe(y))
		default:
			changed++
			t.Errorf("outside the caches, the fix changed %s into %s", describe(x), describe(y))
		}
	}
	if len(mountPoints) > 0 {
		t.Logf("cache folders and their parents, empty: %s", strings.Join(mountPoints, ", "))
	}
	verdict := fmt.Sprintf("(other %d paths identical)", len(origRest))
	if changed > 0 {
		verdict = fmt.Sprintf("IMAGE CHANGED outside the caches: %d paths", changed)
	}
	return fmt.Sprintf("  cache-mount %-18s cache entries %d -> %d  %s", fx.Name, origCached, fixedCached, verdict)
}

// oracleCopyChown: the fixed image has the same files and owners, in one
// layer fewer per RUN the fix removed.
func oracleCopyChown(t *testing.T, d *oracle.Daemon, fx oracleFixture) (string, bool) {
	w := fx.prepare(t)
	titles := fixFixture(t, w, diagnostics.CopyChown)
	if len(titles) == 0 {
		if fx.MayRefuse {
			t.Logf("no %s fix offered (the fixture allows it)", diagnostics.CopyChown)
			return fmt.Sprintf("  copy-chown %-19s refused", fx.Name), false
		}
		t.Errorf("no %s fix offered", diagnostics.CopyChown)
		return fmt.Sprintf("  copy-chown %-19s NOT OFFERED", fx.Name), false
	}
	prune(t, d)
	origFiles, _ := exportFiles(t, d, w, w.Original)
	origLayers := layers(t, d, w, w.Original)
	fixedFiles, _ := exportFiles(t, d, w, w.Fixed)
	fixedLayers := layers(t, d, w, w.Fixed)
	diff := diffFiles(origFiles, fixedFiles, "original", "fixed")
	if len(diff) > 0 {
		t.Errorf("the fix changed the image (%d paths):\n%s", len(diff), strings.Join(diff, "\n"))
	}
	// A fix that empties a RUN drops it, and its layer; one that removes a
	// command from a longer RUN keeps the layer (smaller).
	removed := runCount(t, w.Original) - runCount(t, w.Fixed)
	t.Logf("layers: original %d, fixed %d (%d RUN removed)", origLayers, fixedLayers, removed)
	if removed < 1 || fixedLayers != origLayers-removed {
		t.Errorf("fixed image has %d layers, original %d, and %d RUN instructions were removed: want as many layers fewer, at least one", fixedLayers, origLayers, removed)
	}
	return fmt.Sprintf("  copy-chown %-19s layers %d -> %d  %s", fx.Name, origLayers, fixedLayers, sameImage(origFiles, diff)), true
}
