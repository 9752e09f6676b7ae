package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
)

// HistoryDiffOptions are what `check --history-diff BASE` is asked.
type HistoryDiffOptions struct {
	// CacheOptions give the Dockerfile (the working tree's), --target and
	// --context.
	CacheOptions
	// Base is the revision whose Dockerfile is compared (a pull request's
	// base branch, say); Max the commits replayed, newest first from HEAD.
	Base string
	Max  int
}

// Verdict says which way a change to a Dockerfile moves the forecast.
type Verdict string

const (
	Better Verdict = "better"
	Worse  Verdict = "worse"
	Same   Verdict = "same"
)

// HistoryDiffReport is one history replayed against the Dockerfile at a
// base revision and against the working tree's.
type HistoryDiffReport struct {
	Dockerfile string // as given
	Base       string
	BaseCommit string
	History    *cachehistory.History
	// Before is the forecast of the base's Dockerfile, After the working
	// tree's, over the same commits.
	Before, After *cachehistory.Result
}

// HistoryDiff replays the same commits (those that change something
// either build reads) against the Dockerfile and ignore file at o.Base
// and against the working tree's.
func HistoryDiff(o HistoryDiffOptions) (*HistoryDiffReport, error) {
	rp, _, err := openReplayer(o.CacheOptions)
	if err != nil {
		return nil, err
	}
	defer rp.Repo.Close()
	base, hash, err := rp.BuildAt(o.Base)
	if err != nil {
		return nil, fmt.Errorf("--history-diff: %w", err)
	}
	r := &HistoryDiffReport{Dockerfile: o.Dockerfile, Base: o.Base, BaseCommit: hash.String()}
	if r.History, err = rp.HistoryOf(cachehistory.Query{Max: o.Max}, base, rp.Today); err != nil {
		return nil, err
	}
	if r.Before, err = rp.ReplayEach(r.History, base); err != nil {
		return nil, err
	}
	if r.After, err = rp.ReplayEach(r.History, rp.Today); err != nil {
		return nil, err
	}
	return r, nil
}

// Verdict weighs the estimated time first, since an install re-run costs
// more than many COPYs; the re-run count decides a tie.
func (r *HistoryDiffReport) Verdict() Verdict {
	d, n := r.After.Seconds-r.Before.Seconds, r.After.Reruns-r.Before.Reruns
	switch {
	case d > 0, d == 0 && n > 0:
		return Worse
	case d < 0, n < 0:
		return Better
	}
	return Same
}

// The JSON of `check --history-diff --format json` (add fields, never
// change or remove one).
type (
	historyDiffJSON struct {
		Dockerfile string       `json:"dockerfile"`
		Base       string       `json:"base"`
		BaseCommit string       `json:"base_commit"`
		Commits    int          `json:"commits"`
		Verdict    Verdict      `json:"verdict"`
		Before     forecastJSON `json:"base_forecast"`
		After      forecastJSON `json:"forecast"`
		Change     savingJSON   `json:"change"`
		Estimate   string       `json:"estimate"`
	}
	forecastJSON struct {
		TotalReruns int           `json:"total_reruns"`
		Depends     int           `json:"total_depends"`
		Seconds     float64       `json:"estimated_seconds"`
		Steps       []stepTotJSON `json:"steps"`
	}
)

// WriteHistoryDiffJSON prints the report as JSON; change is the working
// tree's forecast minus the base's (negative is better).
func WriteHistoryDiffJSON(w io.Writer, r *HistoryDiffReport) error {
	out := historyDiffJSON{
		Dockerfile: r.Dockerfile, Base: r.Base, BaseCommit: r.BaseCommit, Commits: len(r.History.Commits),
		Verdict: r.Verdict(), Before: forecast(r.Before), After: forecast(r.After),
		Change:   savingJSON{Reruns: r.After.Reruns - r.Before.Reruns, Seconds: r.After.Seconds - r.Before.Seconds},
		Estimate: estimateNote,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func forecast(res *cachehistory.Result) forecastJSON {
	return forecastJSON{TotalReruns: res.Reruns, Depends: res.Depends, Seconds: res.Seconds, Steps: totalsJSON(res.Steps)}
}

// WriteHistoryDiffText prints the line for a pull request.
func WriteHistoryDiffText(w io.Writer, r *HistoryDiffReport) {
	dn, ds := r.After.Reruns-r.Before.Reruns, r.After.Seconds-r.Before.Seconds
	fmt.Fprintf(w, "%s: the cache forecast is %s %s (%s) over the last %d commits: %d → %d step re-runs (%s), ~%s → ~%s (%s, estimated)\n",
		r.Dockerfile, comparative(r.Verdict()), r.Base, short(r.BaseCommit), len(r.History.Commits),
		r.Before.Reruns, r.After.Reruns, delta(float64(dn), fmt.Sprint(abs(dn))),
		cachehistory.Duration(r.Before.Seconds), cachehistory.Duration(r.After.Seconds), delta(ds, cachehistory.Duration(math.Abs(ds))))
}

func comparative(v Verdict) string {
	switch v {
	case Better:
		return "better than at"
	case Worse:
		return "worse than at"
	}
	return "the same as at"
}

// delta shows a change with its sign.
func delta(v float64, magnitude string) string {
	switch {
	case v > 0:
		return "+" + magnitude
	case v < 0:
		return "−" + magnitude
	}
	return "±0"
}
