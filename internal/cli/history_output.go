package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// The JSON of `cache --history --format json` (add fields, never change
// or remove one). Statuses are cache.Status, as `cache --format json`
// gives them; lines are 1-based in the Dockerfile replayed.
type (
	historyJSON struct {
		Commits     []commitJSON  `json:"commits"`
		Steps       []stepTotJSON `json:"steps"`
		TotalReruns int           `json:"total_reruns"`
		Depends     int           `json:"total_depends"`
		Seconds     float64       `json:"estimated_seconds"`
		Apart       []stepTotJSON `json:"steps_apart,omitempty"`
		WithFixes   *fixesJSON    `json:"with_fixes,omitempty"`
		Walk        walkJSON      `json:"walk"`
		Estimate    string        `json:"estimate"`
		Measured    *MeasuredFrom `json:"measured_from,omitempty"`
		Replayed    string        `json:"replayed_against"`
		Notes       []string      `json:"notes"`
	}
	commitJSON struct {
		Commit            string       `json:"commit"`
		Changed           []string     `json:"changed"`
		Steps             []statusJSON `json:"steps"`
		Reruns            int          `json:"reruns"`
		Seconds           float64      `json:"estimated_seconds"`
		Merge             bool         `json:"merge,omitempty"`
		DockerfileChanged bool         `json:"dockerfile_changed,omitempty"`
	}
	statusJSON struct {
		Line   int    `json:"line"`
		Status string `json:"status"`
	}
	stepTotJSON struct {
		Line        int     `json:"line"`
		Instruction string  `json:"instruction"`
		Reruns      int     `json:"reruns"`
		Depends     int     `json:"depends"`
		Seconds     float64 `json:"estimated_seconds_each"`
		Kind        string  `json:"kind"`
		CacheMount  bool    `json:"cache_mount,omitempty"`
		Measured    bool    `json:"measured,omitempty"`
	}
	fixesJSON struct {
		Applied     int           `json:"fixes_applied"`
		Commits     []commitJSON  `json:"commits"`
		Steps       []stepTotJSON `json:"steps"`
		TotalReruns int           `json:"total_reruns"`
		Seconds     float64       `json:"estimated_seconds"`
		Saving      savingJSON    `json:"saving"`
	}
	savingJSON struct {
		Reruns  int     `json:"reruns"`
		Seconds float64 `json:"estimated_seconds"`
	}
	walkJSON struct {
		Walked     int            `json:"walked"`
		Untouched  int            `json:"untouched"`
		Truncated  bool           `json:"truncated"`
		Shallow    bool           `json:"shallow_clone"`
		Boundaries []boundaryJSON `json:"boundaries"`
	}
	boundaryJSON struct {
		Commit  string `json:"commit"`
		Shallow bool   `json:"shallow"`
	}
)

// estimateNote says what the times are, wherever they are printed.
const estimateNote = "times are estimates from a model of what each kind of step costs (docs/history.md), not measurements; " +
	"a RUN with a cache mount is counted in full, since cache mounts are not exported with the build cache and save nothing on a CI builder that starts empty"

// WriteHistoryJSON prints the report as JSON.
func WriteHistoryJSON(w io.Writer, r *HistoryReport) error {
	out := historyJSON{
		Commits: commitsJSON(r, r.Before), Steps: totalsJSON(r.Before.Steps),
		TotalReruns: r.Before.Reruns, Depends: r.Before.Depends, Seconds: r.Before.Seconds,
		Apart: totalsJSON(r.Before.Apart), Walk: r.walkJSON(), Estimate: estimateNote, Measured: r.Measured,
		Replayed: r.replayedAgainst(), Notes: r.notes(),
	}
	if a := r.After; a != nil {
		out.WithFixes = &fixesJSON{
			Applied: r.Fixed, Commits: commitsJSON(r, a), Steps: totalsJSON(a.Steps),
			TotalReruns: a.Reruns, Seconds: a.Seconds,
			Saving: savingJSON{Reruns: r.Before.Reruns - a.Reruns, Seconds: r.Before.Seconds - a.Seconds},
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func commitsJSON(r *HistoryReport, res *cachehistory.Result) []commitJSON {
	out := make([]commitJSON, 0, len(res.Commits))
	for _, c := range res.Commits {
		cj := commitJSON{Commit: c.Hash.String(), Changed: r.changed(c.Commit), Reruns: c.Reruns, Seconds: c.Seconds,
			Merge: c.Merge, DockerfileChanged: r.AsBuilt && c.DockerfileChanged()}
		for _, s := range c.Steps {
			cj.Steps = append(cj.Steps, statusJSON{Line: s.Line(), Status: string(s.Status)})
		}
		out = append(out, cj)
	}
	return out
}

// changed are the paths a commit changed for the build, relative to the
// repository root; with --as-built, the Dockerfile too when it changed.
func (r *HistoryReport) changed(c *cachehistory.Commit) []string {
	out := make([]string, 0, len(c.Paths)+1)
	for _, p := range c.Paths {
		out = append(out, r.Layout.RepoPath(p))
	}
	if r.AsBuilt && c.DockerfileChanged() && !slices.Contains(out, r.Layout.Dockerfile) {
		out = append(out, r.Layout.Dockerfile)
	}
	return out
}

func totalsJSON(steps []cachehistory.StepTotal) []stepTotJSON {
	out := make([]stepTotJSON, 0, len(steps))
	for _, s := range steps {
		out = append(out, stepTotJSON{Line: s.Inst.Line + 1, Instruction: oneLine(s.Doc, s.Inst), Reruns: s.Reruns,
			Depends: s.Depends, Seconds: s.Cost.Seconds, Kind: s.Cost.Kind, CacheMount: s.Cost.CacheMount, Measured: s.Cost.Measured})
	}
	return out
}

func oneLine(doc *dockerfile.Document, inst *dockerfile.Instruction) string {
	return strings.Trim(cache.OneLine(doc, inst), "`")
}

func (r *HistoryReport) walkJSON() walkJSON {
	st := r.History.Stats
	out := walkJSON{Walked: st.Walked, Untouched: st.Untouched, Truncated: st.Truncated, Shallow: r.Repo.Shallow(), Boundaries: []boundaryJSON{}}
	for _, b := range st.Boundaries {
		out.Boundaries = append(out.Boundaries, boundaryJSON{Commit: b.Hash.String(), Shallow: b.Shallow})
	}
	return out
}

// replayedAgainst says which Dockerfile the history ran through.
func (r *HistoryReport) replayedAgainst() string {
	if r.AsBuilt {
		return "each commit's own Dockerfile and ignore file (--as-built)"
	}
	return "today's Dockerfile and ignore file"
}

// notes explain how the history was read: what a reader needs to trust
// the counts.
func (r *HistoryReport) notes() []string {
	st := r.History.Stats
	notes := []string{"each commit is compared with its first parent, whose build is taken to be in the cache; a merge brings in what its branch changed"}
	for _, b := range st.Boundaries {
		if b.Shallow {
			notes = append(notes, fmt.Sprintf("the clone is shallow: the history stops at %s, whose parent it does not have (fetch more history, e.g. git fetch --unshallow, to replay further)", short(b.Hash.String())))
		} else {
			notes = append(notes, fmt.Sprintf("%s is a first commit: with no build before it, it is not replayed", short(b.Hash.String())))
		}
	}
	if st.Untouched > 0 {
		notes = append(notes, fmt.Sprintf("%d commits changed nothing the build reads (after the ignore file) and are not counted", st.Untouched))
	}
	if r.History.NoDockerfile > 0 {
		notes = append(notes, fmt.Sprintf("%d commits had no Dockerfile at %s: nothing was built", r.History.NoDockerfile, r.Layout.Dockerfile))
	}
	if r.AsBuilt {
		notes = append(notes, "a commit that changes the Dockerfile re-runs the steps BuildKit would no longer find in its cache: the changed step and the rest of its stage, and the stages built on it; a comment, or an instruction that only sets the image's configuration, re-runs nothing")
	} else {
		notes = append(notes, "changes to the Dockerfile itself count only as files of the build context: use --as-built to replay each commit's own Dockerfile")
	}
	return append(notes, r.timesNote())
}

// timesNote says which times are measured and which estimated.
func (r *HistoryReport) timesNote() string {
	m := r.Measured
	if m == nil {
		return estimateNote + " (--buildkit-addr reads measured durations from a BuildKit daemon's build history)"
	}
	return fmt.Sprintf("steps marked measured take the median duration of their runs in the %d builds of a Dockerfile of this name in the build history of the BuildKit daemon at %s (%d steps measured, matched by stage and instruction text); the other ",
		m.Builds, m.Addr, m.Steps) + estimateNote
}

func short(hash string) string { return hash[:min(len(hash), 10)] }

// WriteHistoryText prints the report for a reader: each commit with the
// steps it re-ran, then each step with how often, then the totals.
func WriteHistoryText(w io.Writer, r *HistoryReport) {
	fmt.Fprintf(w, "Replayed %d commits against %s, newest first (%d looked at).\n", len(r.Before.Commits), r.replayedAgainst(), r.History.Stats.Walked)
	writeCommits(w, r)
	fmt.Fprintln(w)
	writeTotals(w, r.Before, len(r.Before.Commits))
	if r.After != nil {
		fmt.Fprintf(w, "\nWith the safe fixes (`check --fix`, %d applied, in memory):\n", r.Fixed)
		writeTotals(w, r.After, len(r.After.Commits))
		writeSaving(w, r.Before, r.After)
	}
	fmt.Fprintln(w, "\nNotes:")
	for _, n := range r.notes() {
		fmt.Fprintf(w, "  - %s\n", n)
	}
}

// maxShown bounds the changed files listed per commit in text.
const maxShown = 3

func writeCommits(w io.Writer, r *HistoryReport) {
	for i, c := range r.Before.Commits {
		fmt.Fprintf(w, "\n%s %s %s\n", short(c.Hash.String()), c.When.UTC().Format(time.DateOnly), c.Subject)
		changed := r.changed(c.Commit)
		more := ""
		if len(changed) > maxShown {
			changed, more = changed[:maxShown], fmt.Sprintf(" (and %d more)", len(changed)-maxShown)
		}
		merge := ""
		if c.Merge {
			merge = " (a merge, against its first parent)"
		}
		fmt.Fprintf(w, "    changed%s: %s%s\n", merge, strings.Join(changed, ", "), more)
		fmt.Fprintf(w, "    re-runs %d steps, ~%s (estimate)", c.Reruns, cachehistory.Duration(c.Seconds))
		if r.After != nil {
			a := r.After.Commits[i]
			fmt.Fprintf(w, "; with the fixes %d, ~%s", a.Reruns, cachehistory.Duration(a.Seconds))
		}
		fmt.Fprintln(w)
		for _, s := range c.Steps {
			if s.Status == cache.ReRun || s.Status == cache.Depends {
				fmt.Fprintf(w, "      %4d  %-7s  %s\n", s.Line(), statusWord(s.Status), oneLine(c.Doc, s.Inst))
			}
		}
	}
}

func statusWord(s cache.Status) string {
	if s == cache.Depends {
		return "depends"
	}
	return "re-run"
}

// writeTotals prints each step with its re-runs over n commits.
func writeTotals(w io.Writer, res *cachehistory.Result, n int) {
	fmt.Fprintf(w, "%-4s  %-11s  %-9s  %s\n", "LINE", "RE-RUNS", "EACH (est)", "INSTRUCTION")
	for _, s := range res.Steps {
		writeTotal(w, s, n)
	}
	if len(res.Apart) > 0 {
		fmt.Fprintln(w, "Steps of past Dockerfiles that today's no longer has:")
		for _, s := range res.Apart {
			writeTotal(w, s, n)
		}
	}
	fmt.Fprintf(w, "Total: %d step re-runs in %d commits, ~%s (estimate)", res.Reruns, n, cachehistory.Duration(res.Seconds))
	if res.Depends > 0 {
		fmt.Fprintf(w, "; %d more depend on another stage's output", res.Depends)
	}
	fmt.Fprintln(w)
}

func writeTotal(w io.Writer, s cachehistory.StepTotal, n int) {
	extra := ""
	if s.Depends > 0 {
		extra = fmt.Sprintf("  (+%d depends)", s.Depends)
	}
	if s.Cost.CacheMount {
		extra += "  (cache mount: counted in full)"
	}
	if s.Cost.Measured {
		extra += "  (measured)"
	}
	fmt.Fprintf(w, "%4d  %4d of %-4d  %9s  %s%s\n", s.Inst.Line+1, s.Reruns, n, cachehistory.Duration(s.Cost.Seconds), oneLine(s.Doc, s.Inst), extra)
}

// writeSaving prints what the fixes save, or cost: a fix can add a step
// (a cache mount's setup, say) that re-runs too.
func writeSaving(w io.Writer, before, after *cachehistory.Result) {
	steps, secs := before.Reruns-after.Reruns, before.Seconds-after.Seconds
	fmt.Fprintf(w, "Saving: %s step re-runs (%s), %s (%s), estimated\n", signed(float64(steps), fmt.Sprint(abs(steps))),
		percent(steps, before.Reruns), signed(secs, "~"+cachehistory.Duration(math.Abs(secs))), percentF(secs, before.Seconds))
}

// signed marks a negative saving, shown as its magnitude, with a minus.
func signed(v float64, magnitude string) string {
	if v < 0 {
		return "-" + magnitude
	}
	return magnitude
}

func abs(n int) int { return int(math.Abs(float64(n))) }

func percent(part, whole int) string { return percentF(float64(part), float64(whole)) }

func percentF(part, whole float64) string {
	if whole == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*part/whole)
}
