package cachehistory

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// BuildAt is the Dockerfile and ignore file at the revision rev, with
// Today's target and build args: the build a pull request's base had.
// The paths a commit changed go through the revision's own ignore file.
func (rp *Replayer) BuildAt(rev string) (Build, plumbing.Hash, error) {
	if rp.Layout.Dockerfile == "" {
		return Build{}, plumbing.ZeroHash, fmt.Errorf("the Dockerfile is not in the repository: it has no version at %s", rev)
	}
	c, err := rp.Repo.resolve(rev)
	if err != nil {
		return Build{}, plumbing.ZeroHash, err
	}
	w := &walker{r: rp.Repo, l: rp.Layout, snaps: map[plumbing.Hash]*snapshot{}}
	s, err := w.snapshot(c)
	if err != nil {
		return Build{}, plumbing.ZeroHash, err
	}
	if s.dockerfile.Hash.IsZero() {
		return Build{}, plumbing.ZeroHash, fmt.Errorf("%s has no %s", rev, rp.Layout.Dockerfile)
	}
	doc, err := rp.dockerfile(s.dockerfile)
	if err != nil {
		return Build{}, plumbing.ZeroHash, fmt.Errorf("%s: %w", rev, err)
	}
	ign, err := rp.ignore(s.ignore)
	if err != nil {
		return Build{}, plumbing.ZeroHash, fmt.Errorf("%s: %w", rev, err)
	}
	in := rp.Today.Input
	in.Doc, in.Context = doc, nil // the paths go through ign
	return Build{Input: in, Ignore: ign}, c.Hash, nil
}

// HistoryOf walks the repository and keeps the commits that change
// something any of builds reads, after its own ignore file: the same
// commits are then replayed against each of them (ReplayEach).
func (rp *Replayer) HistoryOf(q Query, builds ...Build) (*History, error) {
	if rp.AsBuilt {
		return nil, fmt.Errorf("a history replayed against several Dockerfiles is not replayed as built")
	}
	h := &History{}
	st, err := rp.Repo.Walk(q, rp.Layout, func(c *Commit) (bool, error) {
		for _, b := range builds {
			if len(rp.sent(c.Changes, b.Ignore)) > 0 {
				h.Commits = append(h.Commits, c)
				return true, nil
			}
		}
		return false, nil
	})
	h.Stats = st
	if err != nil {
		return nil, err
	}
	return h, nil
}

// ReplayEach replays h's commits against b, each commit's paths read
// through b's ignore file (a commit b does not see re-runs nothing).
func (rp *Replayer) ReplayEach(h *History, b Build) (*Result, error) {
	own := &History{Commits: make([]*Commit, len(h.Commits)), Stats: h.Stats}
	for i, c := range h.Commits {
		cc := *c
		cc.Paths = rp.sent(c.Changes, b.Ignore)
		own.Commits[i] = &cc
	}
	return rp.Replay(own, b)
}
