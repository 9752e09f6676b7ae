package cachehistory

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// Build is a Dockerfile to replay a history against, with what the cache
// engine reads beside it: the same cache.Input `cache --changed` predicts
// with, and the ignore file the changed paths go through.
type Build struct {
	Input  cache.Input
	Ignore Ignore // nil: nothing is excluded
}

// Replayer replays one build's history.
type Replayer struct {
	Repo   *Repo
	Layout Layout
	// Today is the Dockerfile as it is now: every commit is replayed
	// against it, unless AsBuilt.
	Today Build
	// AsBuilt replays each commit against its own Dockerfile and ignore
	// file (with Today's target and build args).
	AsBuilt bool
	// Measured replace the estimate of the steps they name (nil: all
	// estimated).
	Measured Measured

	versions map[plumbing.Hash]*version // as-built versions, by blob
}

// version is one Dockerfile or ignore file read from a commit.
type version struct {
	doc    *dockerfile.Document
	ignore Ignore
	err    error
}

// History is the commits selected to replay.
type History struct {
	Commits []*Commit
	Stats   Stats
	// NoDockerfile counts commits (--as-built) that touched the context
	// while the Dockerfile was not there: nothing was built.
	NoDockerfile int
}

// History walks the repository and keeps the commits that change
// something the build reads, after the ignore file.
func (rp *Replayer) History(q Query) (*History, error) {
	if rp.AsBuilt && rp.Layout.Dockerfile == "" {
		return nil, errors.New("the Dockerfile is not in the repository: its versions cannot be read")
	}
	h := &History{}
	st, err := rp.Repo.Walk(q, rp.Layout, func(c *Commit) (bool, error) {
		if rp.AsBuilt && c.Dockerfile.Hash.IsZero() {
			h.NoDockerfile++
			return false, nil
		}
		ok, err := rp.keep(c)
		if ok {
			h.Commits = append(h.Commits, c)
		}
		return ok, err
	})
	h.Stats = st
	if err != nil {
		return nil, err
	}
	return h, nil
}

// keep reads which paths of c the build context sends, and whether the
// commit is one the build sees at all.
func (rp *Replayer) keep(c *Commit) (bool, error) {
	if !rp.AsBuilt {
		c.Paths = rp.sent(c.Changes, rp.Today.Ignore)
		return len(c.Paths) > 0, nil
	}
	now, err := rp.ignore(c.Ignore)
	if err != nil {
		return false, fmt.Errorf("commit %s: %w", c.Hash, err)
	}
	c.Paths = rp.sent(c.Changes, now)
	if c.IgnoreChanged() {
		if c.Paths, err = rp.flipped(c, now); err != nil {
			return false, err
		}
	}
	return len(c.Paths) > 0 || c.DockerfileChanged(), nil
}

// sent are the paths of changes that the build context sends, relative
// to it, in order and each once.
func (rp *Replayer) sent(changes []Change, ign Ignore) []string {
	var out []string
	for _, ch := range changes {
		for _, p := range ch.Paths() {
			rel := rp.Layout.contextPath(p)
			if (ign == nil || !ign.Excluded(rel)) && !slices.Contains(out, rel) {
				out = append(out, rel)
			}
		}
	}
	return out
}

// flipped adds to c.Paths the files the context sends now and did not
// (or the other way round) because the ignore file changed: for BuildKit
// they came or went like any other file.
func (rp *Replayer) flipped(c *Commit, now Ignore) ([]string, error) {
	before, err := rp.ignore(c.ParentIgnore)
	if err != nil {
		return nil, fmt.Errorf("commit %s's parent: %w", c.Hash, err)
	}
	out := c.Paths
	add := func(rel string) {
		if before.Excluded(rel) != now.Excluded(rel) && !slices.Contains(out, rel) {
			out = append(out, rel)
		}
	}
	for _, tree := range []*object.Tree{c.tree, c.parentTree} {
		if err := eachFile(tree, add); err != nil {
			return nil, fmt.Errorf("commit %s: listing the build context: %w", c.Hash, err)
		}
	}
	return out, nil
}

// eachFile calls fn with the path of every file under tree.
func eachFile(tree *object.Tree, fn func(string)) error {
	if tree == nil {
		return nil
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Mode != filemode.Dir {
			fn(name)
		}
	}
}

// ignore reads (once per blob) an ignore file of a commit.
func (rp *Replayer) ignore(f File) (Ignore, error) {
	if f.Hash.IsZero() {
		return noIgnore{}, nil
	}
	v := rp.version(f.Hash, func(text []byte) *version {
		ign, err := parseIgnore(text)
		return &version{ignore: ign, err: err}
	}, safefile.MaxIgnoreFile)
	if v.err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, v.err)
	}
	return v.ignore, nil
}

// dockerfile reads (once per blob) a Dockerfile of a commit; nil when
// there is none.
func (rp *Replayer) dockerfile(f File) (*dockerfile.Document, error) {
	if f.Hash.IsZero() {
		return nil, nil
	}
	v := rp.version(f.Hash, func(text []byte) *version {
		return &version{doc: dockerfile.Parse(text)}
	}, budget.MaxDockerfile)
	if v.err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, v.err)
	}
	return v.doc, nil
}

func (rp *Replayer) version(h plumbing.Hash, parse func([]byte) *version, limit int64) *version {
	if v, ok := rp.versions[h]; ok {
		return v
	}
	if rp.versions == nil {
		rp.versions = map[plumbing.Hash]*version{}
	}
	text, err := rp.Repo.Blob(h, limit)
	v := &version{err: err}
	if err == nil {
		v = parse(text)
	}
	rp.versions[h] = v
	return v
}

// CommitResult is one commit replayed.
type CommitResult struct {
	*Commit
	Doc   *dockerfile.Document // the Dockerfile replayed
	Steps []cache.Step
	// Reruns counts the steps that re-run; Seconds is their estimate.
	Reruns  int
	Seconds float64
}

// Result is a history replayed against one Dockerfile.
type Result struct {
	Commits []CommitResult
	// Steps are today's steps, in order, with how often each re-ran.
	Steps []StepTotal
	// Apart are steps of past Dockerfiles (--as-built) that match no step
	// of today's, by stage and instruction.
	Apart []StepTotal
	// Reruns and Seconds add up the commits'; Depends counts the steps that
	// re-run only if another stage's output changed.
	Reruns, Depends int
	Seconds         float64
}

// StepTotal is one step over the history.
type StepTotal struct {
	Doc     *dockerfile.Document
	Inst    *dockerfile.Instruction
	Reruns  int // commits that re-ran it
	Depends int // commits after which it re-runs only if a stage's output changed
	Cost    Estimate
}

// Replay predicts each commit of h against today (or, AsBuilt, against
// the commit's own Dockerfile), and adds up each step.
func (rp *Replayer) Replay(h *History, today Build) (*Result, error) {
	res := &Result{}
	tally := newTally(today, rp.Measured)
	for _, c := range h.Commits {
		cr, err := rp.replayOne(c, today)
		if err != nil {
			return nil, err
		}
		tally.add(&cr)
		res.Commits = append(res.Commits, cr)
		res.Reruns += cr.Reruns
		res.Seconds += cr.Seconds
	}
	res.Steps, res.Apart, res.Depends = tally.result()
	return res, nil
}

// replayOne predicts one commit.
func (rp *Replayer) replayOne(c *Commit, today Build) (CommitResult, error) {
	if !rp.AsBuilt {
		steps := cache.Predict(today.Input, cache.Change{Paths: c.Paths})
		return CommitResult{Commit: c, Doc: today.Input.Doc, Steps: steps}, nil
	}
	doc, err := rp.dockerfile(c.Dockerfile)
	if err != nil {
		return CommitResult{}, fmt.Errorf("commit %s: %w", c.Hash, err)
	}
	in := today.Input
	in.Doc, in.Context = doc, nil // the paths went through the commit's ignore file
	steps := cache.Predict(in, cache.Change{Paths: c.Paths})
	if c.DockerfileChanged() {
		prev, err := rp.dockerfile(c.ParentDockerfile)
		if err != nil {
			return CommitResult{}, fmt.Errorf("commit %s's parent: %w", c.Hash, err)
		}
		merge(steps, dockerfileChange(prev, doc, dockerfile.Options{BuildArgs: in.BuildArgs}))
	}
	return CommitResult{Commit: c, Doc: doc, Steps: steps}, nil
}

// severity orders statuses: a step takes the worse of two causes.
var severity = map[cache.Status]int{cache.Cached: 0, cache.Depends: 1, cache.ReRun: 2}

// merge raises each step to the status the Dockerfile change gives it,
// when worse; a stage the target does not need stays not built.
func merge(steps []cache.Step, df map[*dockerfile.Instruction]dfStep) {
	for i, s := range steps {
		d, ok := df[s.Inst]
		if ok && s.Status != cache.NotBuilt && severity[d.status] > severity[s.Status] {
			steps[i].Status, steps[i].Reason = d.status, d.reason
		}
	}
}

// tally adds up each step over the commits, matching the steps of past
// Dockerfiles to today's by stage and instruction text.
type tally struct {
	today    map[stepKey]int // index in steps
	steps    []StepTotal
	apart    map[stepKey]int // index in list
	list     []StepTotal
	est      map[*dockerfile.Document]*dockerfile.BuildState
	opts     dockerfile.Options
	measured Measured
}

// stepKey names a step across versions: its stage, its instruction as one
// line, and which occurrence of that line in the stage it is.
type stepKey struct {
	stage, text string
	nth         int
}

func newTally(today Build, measured Measured) *tally {
	t := &tally{today: map[stepKey]int{}, apart: map[stepKey]int{}, est: map[*dockerfile.Document]*dockerfile.BuildState{}, measured: measured}
	t.opts = dockerfile.Options{BuildArgs: today.Input.BuildArgs}
	doc := today.Input.Doc
	keys := stepKeys(doc)
	for _, st := range doc.Stages {
		for _, inst := range st.Instructions {
			t.today[keys[inst]] = len(t.steps)
			t.steps = append(t.steps, StepTotal{Doc: doc, Inst: inst, Cost: t.cost(doc, inst)})
		}
	}
	return t
}

// stepKeys keys every instruction of doc.
func stepKeys(doc *dockerfile.Document) map[*dockerfile.Instruction]stepKey {
	out := map[*dockerfile.Instruction]stepKey{}
	for _, st := range doc.Stages {
		seen := map[string]int{}
		for _, inst := range st.Instructions {
			text := strings.Join(strings.Fields(doc.CommandText(inst)), " ")
			out[inst] = stepKey{stage: stageLabel(st), text: text, nth: seen[text]}
			seen[text]++
		}
	}
	return out
}

func (t *tally) cost(doc *dockerfile.Document, inst *dockerfile.Instruction) Estimate {
	st, ok := t.est[doc]
	if !ok {
		st = dockerfile.NewState(doc, t.opts)
		t.est[doc] = st
	}
	e := EstimateStep(st, inst)
	if len(t.measured) == 0 || e.Kind == "config" {
		return e
	}
	if secs, ok := t.measured[NameOf(doc, inst)]; ok {
		e.Seconds, e.Measured = secs, true
	}
	return e
}

// add counts one commit's steps, and sets its totals.
func (t *tally) add(cr *CommitResult) {
	keys := stepKeys(cr.Doc)
	for _, s := range cr.Steps {
		if s.Status != cache.ReRun && s.Status != cache.Depends {
			continue
		}
		total := t.step(keys[s.Inst], cr.Doc, s.Inst)
		if s.Status == cache.Depends {
			total.Depends++
			continue
		}
		total.Reruns++
		cr.Reruns++
		cr.Seconds += t.cost(cr.Doc, s.Inst).Seconds
	}
}

// step is the total a step of doc counts in: today's step with its key,
// else one listed apart.
func (t *tally) step(k stepKey, doc *dockerfile.Document, inst *dockerfile.Instruction) *StepTotal {
	if i, ok := t.today[k]; ok {
		return &t.steps[i]
	}
	i, ok := t.apart[k]
	if !ok {
		i = len(t.list)
		t.apart[k] = i
		t.list = append(t.list, StepTotal{Doc: doc, Inst: inst, Cost: t.cost(doc, inst)})
	}
	return &t.list[i]
}

func (t *tally) result() (steps, apart []StepTotal, depends int) {
	for _, s := range slices.Concat(t.steps, t.list) {
		depends += s.Depends
	}
	return t.steps, t.list, depends
}
