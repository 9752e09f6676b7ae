package oracle

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
	"github.com/dockerfile-ls/dockerfile-ls/internal/gittest"
)

var (
	historyDir    = flag.String("history-data", "", "the replay data: one folder per repository (make proof-history HISTORY_DATA=DIR)")
	recordHistory = flag.String("record-history", "", "record -history-data/NAME from the repository at this path (with -history-name, -history-commits)")
	historyName   = flag.String("history-name", "", "the replay data's folder under -history-data")
	historyLen    = flag.Int("history-commits", 40, "first-parent commits to record, newest first from HEAD")
	historyDF     = flag.String("history-dockerfile", "Dockerfile", "the Dockerfile to record, by its path in the repository (the build context is the repository's root)")
)

// minReplayed is the sample: at least 30 consecutive commits.
const minReplayed = 30

// TestHistoryAgainstBuildKit replays each recorded stretch of a real
// history twice: through `cache --history` (a go-git repository rebuilt
// from the replay data) and on BuildKit (each commit built on a builder
// holding only its first parent's cache), and wants them to agree on
// every step the forecast calls re-run or cached.
//
// The replay data is recorded from a clone of each repository and kept
// outside this repository: it names another project's files and carries
// its Dockerfile, under that project's licence. So this proof is its own
// target (make proof-history HISTORY_DATA=DIR), not part of test-docker.
func TestHistoryAgainstBuildKit(t *testing.T) {
	if *historyDir == "" {
		t.Fatal("needs -history-data DIR: the replay data recorded with -record-history (make proof-history HISTORY_DATA=DIR)")
	}
	if *recordHistory != "" {
		if err := record(*recordHistory, filepath.Join(*historyDir, *historyName), *historyDF, *historyLen); err != nil {
			t.Fatal(err)
		}
		return
	}
	names, err := os.ReadDir(*historyDir)
	if err != nil || len(names) == 0 {
		t.Fatalf("no replay data in %s: %v", *historyDir, err)
	}
	d := startDaemon(t)
	for _, n := range names {
		t.Run(n.Name(), func(t *testing.T) { replayAgainstBuildKit(t, d, filepath.Join(*historyDir, n.Name())) })
	}
}

// replayAgainstBuildKit replays the data in dir through the forecast and
// on BuildKit, and wants them to agree on every step compared.
func replayAgainstBuildKit(t *testing.T, d *Daemon, dir string) {
	data, err := LoadReplayData(dir)
	if err != nil {
		t.Fatal(err)
	}
	forecast, repo := forecastOf(t, data)
	if len(forecast) < minReplayed {
		t.Fatalf("%d commits replayed, want at least %d", len(forecast), minReplayed)
	}
	tally := compareWithBuildKit(t, d, data, forecast)
	if tally.reran == 0 || tally.cached == 0 {
		t.Errorf("%d steps re-ran and %d were cached: a replay that compares nothing proves nothing", tally.reran, tally.cached)
	}
	t.Logf("%s: %d commits, %d steps agree (%d re-run, %d cached; %d of them merged by BuildKit with a twin), %d disagree; depends: %d (BuildKit ran %d, cached %d)",
		filepath.Base(dir), len(forecast), tally.agree(), tally.reran, tally.cached, tally.merged, tally.disagree, tally.depends, tally.dependsRan, tally.dependsCached)
	checkMeasured(t, d, repo)
}

// forecastOf rebuilds the history as a go-git repository (contents
// derived from blob ids) and replays it with `cache --history`; by
// commit hash of the original repository.
func forecastOf(t *testing.T, data *ReplayData) (map[string]cachehistory.CommitResult, string) {
	r := gittest.New(t)
	dir := r.Dir
	commit := func(msg string, files map[string]ReplayFile) {
		if err := WriteFiles(dir, files); err != nil {
			t.Fatal(err)
		}
		r.Commit(msg)
	}
	for _, f := range []string{"Dockerfile", "dockerignore"} {
		copyFileT(t, filepath.Join(data.Dir, f), filepath.Join(dir, strings.Replace(f, "dockerignore", ".dockerignore", 1)))
	}
	commit(data.Base, data.Files)
	for _, c := range data.Commits {
		commit(c.Hash, c.Changes)
	}
	rep, err := cli.History(cli.HistoryOptions{CacheOptions: cli.CacheOptions{Dockerfile: filepath.Join(dir, "Dockerfile")}})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Repo.Close()
	out := map[string]cachehistory.CommitResult{}
	for _, c := range rep.Before.Commits {
		out[c.Subject] = c
	}
	return out, dir
}

// checkMeasured: after the replay, the daemon's history holds two builds
// of the Dockerfile per commit; `cache --history --buildkit-addr` reads
// them. The COPY steps have the texts BuildKit showed, so they are
// measured; the RUNs had stand-in commands, so they keep their estimate.
func checkMeasured(t *testing.T, d *Daemon, repo string) {
	rep, err := cli.History(cli.HistoryOptions{CacheOptions: cli.CacheOptions{Dockerfile: filepath.Join(repo, "Dockerfile")}, BuildKitAddr: "unix://" + d.sock})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Repo.Close()
	measured := 0
	for _, s := range rep.Before.Steps {
		switch {
		case s.Cost.Measured && s.Inst.Keyword == "RUN":
			t.Errorf("line %d: a stand-in RUN measured as the original", s.Inst.Line+1)
		case s.Cost.Measured:
			measured++
		}
	}
	if measured == 0 || rep.Measured.Builds == 0 {
		t.Errorf("--buildkit-addr measured %d steps from %d builds, want some", measured, rep.Measured.Builds)
	}
	t.Logf("--buildkit-addr: %d steps of the Dockerfile measured from %d builds", measured, rep.Measured.Builds)
}

func copyFileT(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// errorf is the part of testing.T compareSteps reports through.
type errorf interface {
	Errorf(format string, args ...any)
}

// agreement counts the steps compared.
type agreement struct {
	reran, cached, disagree            int
	depends, dependsRan, dependsCached int
	// merged: steps BuildKit solved once with an identical step of another
	// stage, compared through that one (mergedInto).
	merged int
}

func (a agreement) agree() int { return a.reran + a.cached }

// compareWithBuildKit builds, for each replayed commit, its first
// parent's context on an empty builder and then the commit's, and
// compares BuildKit's steps with the forecast's.
func compareWithBuildKit(t *testing.T, d *Daemon, data *ReplayData, forecast map[string]cachehistory.CommitResult) agreement {
	text, err := os.ReadFile(filepath.Join(data.Dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	cheap, err := CheapRuns(text)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	df := filepath.Join(work, "Dockerfile")
	if err := os.WriteFile(df, cheap, 0o644); err != nil {
		t.Fatal(err)
	}
	var a agreement
	for i, c := range data.Commits {
		fc, ok := forecast[c.Hash]
		if !ok {
			continue // changes nothing the build reads
		}
		steps := buildPair(t, d, data, i+1, df)
		compareSteps(t, c.Hash, fc, steps, &a)
	}
	return a
}

// buildPair builds commit i's parent on an empty builder, then commit i
// in the same folder, and returns the second build's steps.
func buildPair(t *testing.T, d *Daemon, data *ReplayData, i int, df string) []StepResult {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := d.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(d.Dir, "history-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := WriteFiles(dir, data.Tree(i-1)); err != nil {
		t.Fatal(err)
	}
	copyFileT(t, filepath.Join(data.Dir, "dockerignore"), filepath.Join(dir, ".dockerignore"))
	copyFileT(t, filepath.Join(data.Dir, "Dockerfile"), filepath.Join(dir, "Dockerfile"))
	opts := BuildOpts{Context: dir, Dockerfile: df}
	if _, err := d.Build(ctx, opts); err != nil {
		t.Fatalf("commit %s's parent: %v", data.Commits[i-1].Hash, err)
	}
	if err := WriteFiles(dir, data.Commits[i-1].Changes); err != nil {
		t.Fatal(err)
	}
	res, err := d.Build(ctx, opts)
	if err != nil {
		t.Fatalf("commit %s: %v", data.Commits[i-1].Hash, err)
	}
	return res.Steps
}

// compareSteps checks one commit: a step forecast to re-run must have
// run, one forecast cached must not have; depends is counted apart.
func compareSteps(t errorf, hash string, fc cachehistory.CommitResult, steps []StepResult, a *agreement) {
	byLine := map[int]cache.Step{}
	for _, s := range fc.Steps {
		byLine[s.Line()] = s
	}
	for _, o := range steps {
		p, ok := byLine[o.Line]
		if ok && (p.Status == cache.ReRun || p.Status == cache.Cached) {
			if twin, merged := mergedInto(fc.Doc, steps, o); merged {
				o.Ran, o.Cached = twin.Ran, twin.Cached
				a.merged++
			}
		}
		switch {
		case !ok:
			t.Errorf("%s line %d (%s): no forecast", hash[:10], o.Line, o.Name)
		case p.Status == cache.Depends:
			a.depends++
			if o.Ran {
				a.dependsRan++
			} else if o.Cached {
				a.dependsCached++
			}
		case p.Status == cache.ReRun && o.Ran:
			a.reran++
		case p.Status == cache.Cached && !o.Ran:
			a.cached++
		case p.Status == cache.NotBuilt && !o.Ran && !o.Cached:
		default:
			a.disagree++
			t.Errorf("%s line %d (%s): forecast %s (%s), BuildKit ran=%v cached=%v", hash[:10], o.Line, o.Name, p.Status, p.Reason, o.Ran, o.Cached)
		}
	}
}

// mergedInto finds the step BuildKit built o as, when it reports o
// neither run nor cached: two stages of doc that start alike (the same
// base, the same instructions up to o) make the same operations, which
// BuildKit solves once and reports under one of the two lines
// (opentelemetry-demo's frontend copies package.json into its builder
// and its deps stages).
func mergedInto(doc *dockerfile.Document, steps []StepResult, o StepResult) (StepResult, bool) {
	if doc == nil || o.Ran || o.Cached {
		return StepResult{}, false
	}
	want := chainOf(doc, steps, o)
	for _, x := range steps {
		if x.Line != o.Line && (x.Ran || x.Cached) && slices.Equal(chainOf(doc, steps, x), want) {
			return x, true
		}
	}
	return StepResult{}, false
}

// chainOf is what makes o's operation: its stage's base, then the texts
// of the stage's steps up to o.
func chainOf(doc *dockerfile.Document, steps []StepResult, o StepResult) []string {
	out := []string{baseAt(doc, o.Line)}
	for _, x := range steps {
		if x.Stage == o.Stage && x.Line <= o.Line {
			out = append(out, x.Name)
		}
	}
	return out
}

// baseAt is the base of the stage holding the 1-based line ("" if none).
func baseAt(doc *dockerfile.Document, line int) string {
	for _, st := range doc.Stages {
		for _, inst := range st.Instructions {
			if inst.Line+1 <= line && line <= inst.EndLine+1 {
				return st.Base
			}
		}
	}
	return ""
}

// record writes the replay data of the newest n first-parent commits of
// the repository at src (its HEAD's Dockerfile at the path df, and the
// ignore file BuildKit reads for it, are the ones replayed against, with
// the repository's root as the build context).
func record(src, dst, df string, n int) error {
	repo, err := git.PlainOpen(src)
	if err != nil {
		return err
	}
	head, err := repo.Head()
	if err != nil {
		return err
	}
	c, err := repo.CommitObject(head.Hash())
	if err != nil {
		return err
	}
	line := []*object.Commit{c}
	for len(line) <= n && c.NumParents() > 0 {
		if c, err = c.Parent(0); err != nil {
			return err
		}
		line = append(line, c)
	}
	slices.Reverse(line)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	tip, err := line[len(line)-1].Tree()
	if err != nil {
		return err
	}
	excluded, err := recordToday(tip, dst, df)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Replay data: file listings by blob id, no file contents (see history_data.go).\nbase %s\n", line[0].Hash)
	first, err := line[0].Tree()
	if err != nil {
		return err
	}
	if err := listTree(&b, first, excluded); err != nil {
		return err
	}
	for i := 1; i < len(line); i++ {
		if err := recordCommit(&b, line[i-1], line[i], excluded); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dst, "replay.txt"), b.Bytes(), 0o644)
}

// listTree writes every file of t by blob id, without reading a blob
// (a mirror may lack the largest).
func listTree(b *bytes.Buffer, t *object.Tree, excluded func(string) bool) error {
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Mode != filemode.Dir && e.Mode != filemode.Submodule && !excluded(name) {
			fmt.Fprintf(b, "%s %s %s\n", modeOf(e.Mode), e.Hash, name)
		}
	}
}

func modeOf(m filemode.FileMode) string { return fmt.Sprintf("%06o", uint32(m)) }

// recordToday writes HEAD's Dockerfile (at the path df) and its ignore
// file (df.dockerignore, else the root's .dockerignore), and returns what
// the ignore file (and the files kept apart) leave out.
func recordToday(tip *object.Tree, dst, df string) (func(string) bool, error) {
	ignore := ".dockerignore"
	if _, err := tip.File(df + ".dockerignore"); err == nil {
		ignore = df + ".dockerignore"
	}
	var patterns []string
	for _, name := range []string{df, ignore} {
		f, err := tip.File(name)
		if err != nil {
			return nil, fmt.Errorf("HEAD's %s: %w", name, err)
		}
		text, err := f.Contents()
		if err != nil {
			return nil, err
		}
		out := "Dockerfile"
		if name == ignore {
			out = "dockerignore"
			if patterns, err = ignorefile.ReadAll(strings.NewReader(text)); err != nil {
				return nil, err
			}
		}
		if err := os.WriteFile(filepath.Join(dst, out), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, err
	}
	return func(p string) bool {
		if p == df || p == ignore || p == "Dockerfile" || p == ".dockerignore" {
			return true
		}
		m, err := pm.MatchesOrParentMatches(p)
		return err == nil && m
	}, nil
}

// recordCommit writes c's changes against its first parent.
func recordCommit(b *bytes.Buffer, parent, c *object.Commit, excluded func(string) bool) error {
	pt, err := parent.Tree()
	if err != nil {
		return err
	}
	ct, err := c.Tree()
	if err != nil {
		return err
	}
	changes, err := object.DiffTree(pt, ct)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "commit %s\n", c.Hash)
	var lines []string
	for _, ch := range changes {
		if ch.From.Name != "" && ch.From.Name != ch.To.Name && !excluded(ch.From.Name) {
			lines = append(lines, "- - "+ch.From.Name)
		}
		if ch.To.Name != "" && !excluded(ch.To.Name) {
			lines = append(lines, fmt.Sprintf("%s %s %s", modeOf(ch.To.TreeEntry.Mode), ch.To.TreeEntry.Hash, ch.To.Name))
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return nil
}
