package oracle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Scenario is one cache-model fixture: testdata/scenarios/<Name>/ holding a
// Dockerfile (outside the context, so editing it never changes `COPY .`),
// an optional <Dockerfile>.dockerignore, a context/ tree and scenario.json.
// RunScenario builds it cold, applies Change, rebuilds, and records which
// steps BuildKit re-ran.
type Scenario struct {
	Name string `json:"-"` // directory name
	Dir  string `json:"-"` // absolute scenario directory

	Description string            `json:"description"`
	Dockerfile  string            `json:"dockerfile,omitempty"` // file name in Dir; default "Dockerfile"
	Target      string            `json:"target,omitempty"`
	BuildArgs   map[string]string `json:"buildArgs,omitempty"` // first build
	Change      Change            `json:"change"`
	// ExpectRan is the scenario author's claim: the 1-based Dockerfile lines
	// (of the edited Dockerfile) whose steps re-run in the second build. The test holds BuildKit to it,
	// so a surprise fails loudly instead of being recorded silently.
	ExpectRan []int `json:"expectRan"`
}

// Change is what happens between the two builds. Paths are relative to the
// scenario's context/ directory.
type Change struct {
	Files  map[string]string `json:"files,omitempty"`  // write (create or replace) with this content
	Delete []string          `json:"delete,omitempty"` // remove
	Chmod  map[string]string `json:"chmod,omitempty"`  // octal mode, e.g. "0755"
	Touch  []string          `json:"touch,omitempty"`  // set a new mtime, content unchanged
	// BuildArgs are merged over Scenario.BuildArgs for the second build.
	BuildArgs map[string]string `json:"buildArgs,omitempty"`
	// DockerfileEdits are applied to the Dockerfile text in order; each Old
	// must occur exactly once.
	DockerfileEdits []Edit `json:"dockerfileEdits,omitempty"`
}

// Edit replaces one unique substring of the Dockerfile.
type Edit struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Observation is what BuildKit did in a scenario's second build. It is what
// observed.json holds; Steps is compared, the rest is provenance. Lines
// refer to the Dockerfile as the second build saw it (after DockerfileEdits).
type Observation struct {
	Buildkit string       `json:"buildkit"` // BuildKit version that produced it
	Steps    []StepResult `json:"steps"`
}

// RanLines returns the lines of the steps that ran, ascending.
func (o Observation) RanLines() []int {
	var out []int
	for _, s := range o.Steps {
		if s.Ran {
			out = append(out, s.Line)
		}
	}
	sort.Ints(out)
	return out
}

// LoadScenarios reads every <dir>/*/scenario.json, sorted by name.
func LoadScenarios(dir string) ([]Scenario, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Scenario
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name(), "scenario.json")
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var sc Scenario
		if err := json.Unmarshal(b, &sc); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		sc.Name, sc.Dir = e.Name(), filepath.Join(dir, e.Name())
		if sc.Dockerfile == "" {
			sc.Dockerfile = "Dockerfile"
		}
		if _, err := os.Stat(filepath.Join(sc.Dir, sc.Dockerfile)); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
		out = append(out, sc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// LoadObservation reads a scenario's committed observed.json.
func (sc Scenario) LoadObservation() (Observation, error) {
	var o Observation
	err := readJSON(filepath.Join(sc.Dir, "observed.json"), &o)
	return o, err
}

// WriteObservation writes observed.json (used by the test's -update mode).
func (sc Scenario) WriteObservation(o Observation) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "> /out" readable in RUN lines
	enc.SetIndent("", "  ")
	if err := enc.Encode(o); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(sc.Dir, "observed.json"), buf.Bytes(), 0o644)
}

// SecondBuildArgs is Scenario.BuildArgs with Change.BuildArgs merged over it.
func (sc Scenario) SecondBuildArgs() map[string]string {
	m := maps.Clone(sc.BuildArgs)
	if m == nil {
		m = map[string]string{}
	}
	maps.Copy(m, sc.Change.BuildArgs)
	return m
}

// Fixed times for the copied context: git does not keep mtimes, and the
// touch change needs a known "before" to move away from.
var (
	fixtureTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	touchTime   = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
)

// RunScenario prunes the cache, builds the scenario, applies its change,
// rebuilds, and returns the second build's steps. The first build must run
// every step it reports (proof that the cache really was empty).
func (d *Daemon) RunScenario(ctx context.Context, sc Scenario) (Observation, error) {
	obs := Observation{Buildkit: d.Bin.Version}
	if err := d.Prune(ctx); err != nil {
		return obs, err
	}
	work, err := os.MkdirTemp(d.Dir, "scenario-"+sc.Name+"-")
	if err != nil {
		return obs, err
	}
	defer os.RemoveAll(work)
	dfDir, ctxDir := filepath.Join(work, "dockerfile"), filepath.Join(work, "context")
	if err := stageScenario(sc, dfDir, ctxDir); err != nil {
		return obs, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	opts := BuildOpts{Context: ctxDir, Dockerfile: filepath.Join(dfDir, sc.Dockerfile), Target: sc.Target, BuildArgs: sc.BuildArgs}
	first, err := d.Build(ctx, opts)
	if err != nil {
		return obs, fmt.Errorf("scenario %s, first build: %w", sc.Name, err)
	}
	for _, s := range first.Steps {
		if s.Cached {
			return obs, fmt.Errorf("scenario %s: first build after prune reports line %d (%s) cached", sc.Name, s.Line, s.Name)
		}
	}
	if err := applyChange(sc.Change, filepath.Join(dfDir, sc.Dockerfile), ctxDir); err != nil {
		return obs, fmt.Errorf("scenario %s, change: %w", sc.Name, err)
	}
	opts.BuildArgs = sc.SecondBuildArgs()
	second, err := d.Build(ctx, opts)
	if err != nil {
		return obs, fmt.Errorf("scenario %s, second build: %w", sc.Name, err)
	}
	obs.Steps = second.Steps
	return obs, nil
}

// stageScenario copies the scenario into a scratch area: Dockerfile-side
// files (anything but context/ and the JSON records) into dfDir, the context
// tree into ctxDir, with normalised modes and mtimes so results do not
// depend on the checkout's umask or clock.
func stageScenario(sc Scenario, dfDir, ctxDir string) error {
	if err := os.MkdirAll(dfDir, 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(ctxDir, 0o755); err != nil {
		return err
	}
	ents, err := os.ReadDir(sc.Dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		switch n := e.Name(); {
		case n == "context", n == "scenario.json", n == "observed.json", e.IsDir():
		default:
			if err := copyFile(filepath.Join(sc.Dir, n), filepath.Join(dfDir, n)); err != nil {
				return err
			}
		}
	}
	src := filepath.Join(sc.Dir, "context")
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var dirs []string
	err = filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(ctxDir, rel)
		switch {
		case e.IsDir():
			dirs = append(dirs, dst)
			return os.MkdirAll(dst, 0o755)
		case e.Type()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(t, dst)
		default:
			return copyFile(p, dst)
		}
	})
	if err != nil {
		return err
	}
	// Directories last: creating files inside them bumps their mtime.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := os.Chtimes(dirs[i], fixtureTime, fixtureTime); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies a regular file as 0644, or 0755 when any execute bit is
// set (git keeps only that bit), with the fixed fixture mtime.
func copyFile(src, dst string) error {
	st, err := os.Stat(src)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if st.Mode()&0o111 != 0 {
		mode = 0o755
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		return err
	}
	if err := os.Chmod(dst, mode); err != nil { // WriteFile's mode is masked by umask
		return err
	}
	return os.Chtimes(dst, fixtureTime, fixtureTime)
}

func applyChange(c Change, dockerfile, ctxDir string) error {
	inCtx := func(rel string) (string, error) {
		p := filepath.Join(ctxDir, filepath.FromSlash(rel))
		if !strings.HasPrefix(p, ctxDir+string(filepath.Separator)) {
			return "", fmt.Errorf("path %q leaves the context", rel)
		}
		return p, nil
	}
	if len(c.DockerfileEdits) > 0 {
		b, err := os.ReadFile(dockerfile)
		if err != nil {
			return err
		}
		s := string(b)
		for _, e := range c.DockerfileEdits {
			if n := strings.Count(s, e.Old); n != 1 {
				return fmt.Errorf("dockerfile edit %q matches %d times, want 1", e.Old, n)
			}
			s = strings.Replace(s, e.Old, e.New, 1)
		}
		if err := os.WriteFile(dockerfile, []byte(s), 0o644); err != nil {
			return err
		}
	}
	for _, rel := range sortedKeys(c.Files) {
		p, err := inCtx(rel)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if st, err := os.Stat(p); err == nil {
			mode = st.Mode().Perm() // an edit keeps the file's mode
		}
		if err := os.WriteFile(p, []byte(c.Files[rel]), mode); err != nil {
			return err
		}
	}
	for _, rel := range c.Delete {
		p, err := inCtx(rel)
		if err != nil {
			return err
		}
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	for _, rel := range sortedKeys(c.Chmod) {
		p, err := inCtx(rel)
		if err != nil {
			return err
		}
		m, err := strconv.ParseUint(c.Chmod[rel], 8, 32)
		if err != nil {
			return fmt.Errorf("chmod %s: %w", rel, err)
		}
		if err := os.Chmod(p, fs.FileMode(m)); err != nil {
			return err
		}
	}
	for _, rel := range c.Touch {
		p, err := inCtx(rel)
		if err != nil {
			return err
		}
		if err := os.Chtimes(p, touchTime, touchTime); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
