package cachehistory

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Layout is where a build reads from, as paths in the repository
// (slash-separated, relative to its root; "" is the root).
type Layout struct {
	Context string
	// Dockerfile is "" when the Dockerfile is not in the repository: its
	// versions are then unknown (no --as-built).
	Dockerfile string
}

// ignoreCandidates are the ignore files a build may read, in the order
// buildcontext.FindIgnoreFile tries them: the Dockerfile's own, which
// replaces the context's .dockerignore, then .containerignore (Podman's,
// which Docker never reads) as a fallback.
func (l Layout) ignoreCandidates() []string {
	var out []string
	if l.Dockerfile != "" {
		out = append(out, l.Dockerfile+".dockerignore")
	}
	return append(out, path.Join(l.Context, ".dockerignore"), path.Join(l.Context, ".containerignore"))
}

// contextPath is a repository path relative to the build context.
func (l Layout) contextPath(p string) string {
	if l.Context == "" {
		return p
	}
	return strings.TrimPrefix(p, l.Context+"/")
}

// RepoPath is a path of the build context as a repository path.
func (l Layout) RepoPath(p string) string { return path.Join(l.Context, p) }

// Query chooses the commits to replay.
type Query struct {
	// Range is "" (HEAD), a revision (every commit it reaches) or A..B (the
	// commits B reaches and A does not).
	Range string
	// Max is how many commits that touch the build to keep, newest first;
	// 0 keeps all.
	Max int
}

// File is one version of a file: its path and blob, zero when absent.
type File struct {
	Path string
	Hash plumbing.Hash
}

// Change is one file a commit changed inside the build context, with
// repository paths: From is "" when it was added, To "" when deleted, and
// they differ when it was renamed (detected only when the content did
// not change, which costs no file reads).
type Change struct {
	From, To string
}

// Paths are the paths a change touches: both of a rename.
func (c Change) Paths() []string {
	switch {
	case c.From == "":
		return []string{c.To}
	case c.To == "" || c.From == c.To:
		return []string{c.From}
	}
	return []string{c.From, c.To}
}

// Commit is one commit compared with its first parent, which is the build
// before it: what a builder holding the parent's cache would see.
type Commit struct {
	Hash, Parent plumbing.Hash
	Merge        bool // compared with its first parent, like every commit
	When         time.Time
	Subject      string
	// Changes are the files changed inside the build context, before the
	// ignore file.
	Changes []Change
	// The Dockerfile and the ignore file that applies, at the commit and
	// at its parent.
	Dockerfile, ParentDockerfile File
	Ignore, ParentIgnore         File
	// Paths are the changed paths the build context sends (after the
	// ignore file), relative to the context: what `cache --changed` takes.
	// The replayer sets them.
	Paths []string

	tree, parentTree *object.Tree // the build context's, nil when absent
}

// DockerfileChanged reports whether the commit changed the Dockerfile.
func (c *Commit) DockerfileChanged() bool { return c.Dockerfile != c.ParentDockerfile }

// IgnoreChanged reports whether the commit changed which ignore file
// applies, or its content.
func (c *Commit) IgnoreChanged() bool { return c.Ignore != c.ParentIgnore }

// Boundary is a commit the walk cannot compare with a parent: the first
// commit of the history, or one whose parent a shallow clone left out.
type Boundary struct {
	Hash    plumbing.Hash
	Shallow bool
}

// Stats say what the walk saw besides the commits kept.
type Stats struct {
	Walked int // commits looked at
	// Untouched are the commits that changed nothing the build reads.
	Untouched  int
	Boundaries []Boundary
	// Truncated: the walk stopped at Max commits kept.
	Truncated bool
}

// Walk visits, newest first (by committer time, as git log), the commits
// the query selects that change something the build reads: the build
// context, the Dockerfile or its ignore file. keep decides whether one
// counts towards q.Max (the caller applies the ignore file).
func (r *Repo) Walk(q Query, l Layout, keep func(*Commit) (bool, error)) (Stats, error) {
	w := &walker{r: r, l: l, snaps: map[plumbing.Hash]*snapshot{}}
	tip, exclude, err := w.rangeOf(q.Range)
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	kept := 0
	queue := &commitQueue{}
	seen := map[plumbing.Hash]bool{tip.Hash: true}
	heap.Push(queue, tip)
	for queue.Len() > 0 {
		c := heap.Pop(queue).(*object.Commit)
		if exclude[c.Hash] {
			continue
		}
		if q.Max > 0 && kept == q.Max {
			st.Truncated = true
			break
		}
		st.Walked++
		parents, err := w.parents(c)
		if err != nil {
			return st, err
		}
		for _, p := range parents {
			if !seen[p.Hash] {
				seen[p.Hash] = true
				heap.Push(queue, p)
			}
		}
		if len(parents) == 0 {
			st.Boundaries = append(st.Boundaries, Boundary{Hash: c.Hash, Shallow: len(c.ParentHashes) > 0})
			continue
		}
		commit, err := w.compare(c, parents[0])
		if err != nil {
			return st, err
		}
		// Its children came first (newest first): what they needed of it is
		// read, and a late one reads it again.
		delete(w.snaps, c.Hash)
		ok := commit != nil
		if ok {
			if ok, err = keep(commit); err != nil {
				return st, err
			}
		}
		if !ok {
			st.Untouched++
			continue
		}
		kept++
	}
	return st, nil
}

// walker holds one walk's state.
type walker struct {
	r     *Repo
	l     Layout
	snaps map[plumbing.Hash]*snapshot
}

// rangeOf resolves a range to its tip and the commits it leaves out.
func (w *walker) rangeOf(rng string) (*object.Commit, map[plumbing.Hash]bool, error) {
	from, to, isRange := strings.Cut(rng, "..")
	if !isRange {
		to = rng
	}
	if to == "" {
		to = "HEAD"
	}
	tip, err := w.r.resolve(to)
	if err != nil {
		return nil, nil, err
	}
	exclude := map[plumbing.Hash]bool{}
	if !isRange {
		return tip, exclude, nil
	}
	if from == "" {
		from = "HEAD"
	}
	base, err := w.r.resolve(from)
	if err != nil {
		return nil, nil, err
	}
	return tip, exclude, w.ancestors(base, exclude)
}

// ancestors adds c and every commit it reaches to set.
func (w *walker) ancestors(c *object.Commit, set map[plumbing.Hash]bool) error {
	stack := []*object.Commit{c}
	set[c.Hash] = true
	for len(stack) > 0 {
		c, stack = stack[len(stack)-1], stack[:len(stack)-1]
		parents, err := w.parents(c)
		if err != nil {
			return err
		}
		for _, p := range parents {
			if !set[p.Hash] {
				set[p.Hash] = true
				stack = append(stack, p)
			}
		}
	}
	return nil
}

// parents are c's parents that the repository holds: none for a commit
// the shallow list names (git takes it to have none), and none when the
// first parent is missing, as in a shallow clone whose list was lost.
func (w *walker) parents(c *object.Commit) ([]*object.Commit, error) {
	if w.r.shallow[c.Hash] {
		return nil, nil
	}
	var out []*object.Commit
	for i, h := range c.ParentHashes {
		p, err := w.r.git.CommitObject(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			if i == 0 {
				return nil, nil
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("commit %s's parent %s: %w", c.Hash, h, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// snapshot is what the build reads at one commit.
type snapshot struct {
	context            *object.Tree // nil when the commit has no such folder
	dockerfile, ignore File
}

// compare is c against its first parent, or nil when nothing the build
// reads changed.
func (w *walker) compare(c, parent *object.Commit) (*Commit, error) {
	now, err := w.snapshot(c)
	if err != nil {
		return nil, err
	}
	before, err := w.snapshot(parent)
	if err != nil {
		return nil, err
	}
	same := treeHash(now.context) == treeHash(before.context)
	if same && now.dockerfile == before.dockerfile && now.ignore == before.ignore {
		return nil, nil
	}
	out := &Commit{
		Hash: c.Hash, Parent: parent.Hash, Merge: len(c.ParentHashes) > 1,
		When: c.Committer.When, Subject: subject(c.Message),
		Dockerfile: now.dockerfile, ParentDockerfile: before.dockerfile,
		Ignore: now.ignore, ParentIgnore: before.ignore,
		tree: now.context, parentTree: before.context,
	}
	if !same {
		if out.Changes, err = w.diff(before.context, now.context); err != nil {
			return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
		}
	}
	return out, nil
}

func treeHash(t *object.Tree) plumbing.Hash {
	if t == nil {
		return plumbing.ZeroHash
	}
	return t.Hash
}

func subject(message string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(message), "\n")
	return strings.TrimSpace(line)
}

// exactRenames finds renames by blob id alone: no file is read.
var exactRenames = &object.DiffTreeOptions{DetectRenames: true, OnlyExactRenames: true}

// diff lists the files that differ between two versions of the context.
func (w *walker) diff(before, now *object.Tree) ([]Change, error) {
	if before == nil {
		before = &object.Tree{}
	}
	if now == nil {
		now = &object.Tree{}
	}
	changes, err := object.DiffTreeWithOptions(context.Background(), before, now, exactRenames)
	if err != nil {
		return nil, fmt.Errorf("comparing the build context: %w", err)
	}
	out := make([]Change, 0, len(changes))
	for _, ch := range changes {
		var c Change
		if ch.From.Name != "" {
			c.From = w.l.RepoPath(ch.From.Name)
		}
		if ch.To.Name != "" {
			c.To = w.l.RepoPath(ch.To.Name)
		}
		out = append(out, c)
	}
	return out, nil
}

// snapshot reads (once per commit) the build's files at c.
func (w *walker) snapshot(c *object.Commit) (*snapshot, error) {
	if s, ok := w.snaps[c.Hash]; ok {
		return s, nil
	}
	root, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("commit %s's tree: %w", c.Hash, err)
	}
	s := &snapshot{context: root}
	if w.l.Context != "" {
		if s.context, err = root.Tree(w.l.Context); errors.Is(err, object.ErrDirectoryNotFound) {
			s.context = nil
		} else if err != nil {
			return nil, fmt.Errorf("commit %s: %s: %w", c.Hash, w.l.Context, err)
		}
	}
	if w.l.Dockerfile != "" {
		s.dockerfile = fileAt(root, w.l.Dockerfile)
	}
	for _, p := range w.l.ignoreCandidates() {
		if f := fileAt(root, p); !f.Hash.IsZero() {
			s.ignore = f
			break
		}
	}
	w.snaps[c.Hash] = s
	return s, nil
}

// fileAt is the file at p in root, or a File with no hash when there is
// no such file (a folder or a submodule is not one).
func fileAt(root *object.Tree, p string) File {
	e, err := root.FindEntry(p)
	if err != nil || e.Mode == filemode.Dir || e.Mode == filemode.Submodule {
		return File{Path: p}
	}
	return File{Path: p, Hash: e.Hash}
}

// commitQueue orders commits newest first by committer time, then by
// hash, so that a walk is the same every time.
type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	ti, tj := q[i].Committer.When, q[j].Committer.When
	if !ti.Equal(tj) {
		return ti.After(tj)
	}
	return q[i].Hash.String() < q[j].Hash.String()
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}
