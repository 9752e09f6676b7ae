package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// DefaultHistory is how many commits `cache --history` replays when
// neither a range nor -n says.
const DefaultHistory = 100

// HistoryOptions are what `cache --history` is asked.
type HistoryOptions struct {
	// CacheOptions give the Dockerfile, --target and --context; Changed
	// and BuildArgs are not for a history.
	CacheOptions
	// Range is "" (HEAD), REV or A..B; Max the commits to keep, 0 for all
	// (see cachehistory.Query).
	Range string
	Max   int
	// AsBuilt replays each commit against its own Dockerfile; WithFixes
	// replays today's a second time, after the safe fixes.
	AsBuilt, WithFixes bool
	// BuildKitAddr names a BuildKit daemon whose build history gives
	// measured step durations (history_buildkit.go); "" estimates them all.
	BuildKitAddr string
	// Stderr receives the fix-all's warnings.
	Stderr io.Writer
}

// HistoryReport is a replayed history.
type HistoryReport struct {
	Repo    *cachehistory.Repo
	Layout  cachehistory.Layout
	History *cachehistory.History
	AsBuilt bool
	// Before is the history against the Dockerfile (today's, or each
	// commit's with AsBuilt); After against today's after the safe fixes
	// (nil without WithFixes), Fixed of which were applied.
	Before, After *cachehistory.Result
	Fixed         int
	// Measured says where measured durations came from (nil: none asked).
	Measured *MeasuredFrom
}

// History replays the Dockerfile's history: the Dockerfile, its settings
// and build context read as `cache` reads them, so that a commit's steps
// are what `cache --changed` predicts for the files it changed.
func History(o HistoryOptions) (*HistoryReport, error) {
	if len(o.Changed) > 0 || len(o.BuildArgs) > 0 {
		return nil, errors.New("--changed and --build-arg are not for a history: each commit gives its changes")
	}
	if o.AsBuilt && o.WithFixes {
		return nil, errors.New("--with-fixes fixes today's Dockerfile: it does not go with --as-built")
	}
	rp, b, err := openReplayer(o.CacheOptions)
	if err != nil {
		return nil, err
	}
	repo := rp.Repo
	rp.AsBuilt = o.AsBuilt
	r := &HistoryReport{Repo: repo, Layout: rp.Layout, AsBuilt: o.AsBuilt}
	if o.BuildKitAddr != "" {
		m, from, err := readMeasured(o.BuildKitAddr, b.abs)
		if err != nil {
			repo.Close()
			return nil, err
		}
		rp.Measured, r.Measured = m, &from
	}
	if err := r.replay(rp, o, b); err != nil {
		repo.Close()
		return nil, err
	}
	return r, nil
}

// openReplayer reads the Dockerfile, its settings and build context as
// `cache` reads them, and opens the repository that holds the context.
// The caller closes the replayer's Repo.
func openReplayer(o CacheOptions) (*cachehistory.Replayer, *cacheBuild, error) {
	b, err := resolveBuild(o)
	if err != nil {
		return nil, nil, err
	}
	in, bctx, err := b.input()
	if err != nil {
		return nil, nil, err
	}
	repo, err := cachehistory.Open(b.root)
	if err != nil {
		return nil, nil, fmt.Errorf("the build context %s: %w", b.root, err)
	}
	layout, err := cachehistory.LayoutOf(repo, b.root, b.abs)
	if err != nil {
		repo.Close()
		return nil, nil, err
	}
	return &cachehistory.Replayer{Repo: repo, Layout: layout, Today: cachehistory.Build{Input: in, Ignore: bctx}}, b, nil
}

// replay walks the history and replays it, twice with WithFixes.
func (r *HistoryReport) replay(rp *cachehistory.Replayer, o HistoryOptions, b *cacheBuild) error {
	var err error
	if r.History, err = rp.History(cachehistory.Query{Range: o.Range, Max: o.Max}); err != nil {
		return err
	}
	if r.Before, err = rp.Replay(r.History, rp.Today); err != nil || !o.WithFixes {
		return err
	}
	fixed := rp.Today
	if fixed.Input.Doc, r.Fixed, err = fixedDockerfile(o, b); err != nil {
		return err
	}
	r.After, err = rp.Replay(r.History, fixed)
	return err
}

// fixedDockerfile is the Dockerfile after `check --fix`'s fixes, in
// memory: the same Checker, with the same settings, writing nothing.
func fixedDockerfile(o HistoryOptions, b *cacheBuild) (doc *dockerfile.Document, applied int, err error) {
	stderr := o.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	s := config.Settings{BuildContext: b.root, Target: o.Target}
	rep, err := NewChecker(CheckOptions{Settings: s, Fix: true, Stderr: stderr}).Check(Target{Path: o.Dockerfile})
	if err != nil {
		return nil, 0, fmt.Errorf("fixing %s in memory: %w", o.Dockerfile, err)
	}
	return rep.Doc, rep.Fixed, nil
}
