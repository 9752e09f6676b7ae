package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
)

const cacheUsage = `Usage: dockerfile-ls cache [flags] DOCKERFILE
       dockerfile-ls cache --history [REV-RANGE] [-n N] [flags] DOCKERFILE

Predicts, without building, which steps of DOCKERFILE re-run after a change
to files of the build context or to build args, from BuildKit's cache rules.
Each step is CACHED, RE-RUN, DEPENDS (re-runs only if another stage's output
changes, which cannot be known without building) or NOT BUILT (the target does
not need its stage), with the reason.

Flags:
  --changed PATH        a file that changed (repeatable): the file PATH names from
                        the current folder when it exists there (or PATH is
                        absolute), else PATH inside the build context; it must
                        be in the build context
  --build-arg NAME      a build arg whose value changed (repeatable)
  --target STAGE        the stage to build (default: the project's, else the last)
  --context DIR         the build context (default: from the project, Compose or
                        bake file, else the Dockerfile's folder; a file of the
                        repository cannot place it above the current folder;
                        never the filesystem root)
  --format text|json    output format (default text)

History (reads the repository holding the build context with go-git: no git
process, not the repository's configuration):
  --history             replay the commits that change the build context: for
                        each, the files it changed (after the ignore file)
                        and the steps that re-run, as --changed predicts them;
                        then how often each step re-ran, with an estimated cost
  REV-RANGE             the commits to replay: REV (all it reaches) or A..B
                        (default HEAD)
  -n N                  the newest N commits that change the build context
                        (default 100 without REV-RANGE, else all)
  --as-built            replay each commit against its own Dockerfile and
                        ignore file (default: today's)
  --with-fixes          replay again against the Dockerfile after check --fix's
                        safe fixes (in memory) and print the saving
  --buildkit-addr ADDR  measure: read the build history of the BuildKit daemon
                        at ADDR (unix:///PATH or tcp://HOST:PORT, no TLS) and
                        give each step it ran the median of its durations
Times are estimates from a model (docs/history.md), except the steps that
--buildkit-addr measures, which are marked so.

The text output has a line per step: its line in DOCKERFILE, its status, its
stage (the stage's name, or stage-N when unnamed, N counting stages from 0, as
docker build shows it) and the instruction; under it, why it re-runs.

Exit status: 0 done, 2 usage or I/O error (a --changed path that is not in the
build context, a Dockerfile that is not a regular text file of at most 4 MiB,
a build context out of scope; with --history, a build context in no git
repository or an unknown revision).
`

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// jsonStep is one step in `cache --format json` (add fields, never change
// or remove one). Stage is the stage's name, or its index when unnamed.
type jsonStep struct {
	Line        int    `json:"line"`
	Stage       string `json:"stage"`
	Instruction string `json:"instruction"`
	Status      string `json:"status"`
	Reason      string `json:"reason"`
}

// cacheOptions is the cache command's command line.
type cacheOptions struct {
	cli.CacheOptions
	format  string
	history *cli.HistoryOptions // nil without --history
}

// runCache prints, for each step, whether a change makes it re-run.
func runCache(args []string, stdout, stderr io.Writer) int {
	o, err := parseCacheArgs(args)
	if err != nil {
		return commandUsageError(stdout, stderr, "cache", cacheUsage, err)
	}
	if o.history != nil {
		return runHistory(o, stdout, stderr)
	}
	doc, steps, err := cli.Predict(o.CacheOptions)
	if err != nil {
		fmt.Fprintf(stderr, "dockerfile-ls cache: %v\n", err)
		return 2
	}
	if o.format == "json" {
		writeCacheJSON(stdout, doc, steps)
	} else {
		writeCacheText(stdout, doc, steps)
	}
	return 0
}

// runHistory prints a replayed history.
func runHistory(o *cacheOptions, stdout, stderr io.Writer) int {
	o.history.CacheOptions, o.history.Stderr = o.CacheOptions, stderr
	r, err := cli.History(*o.history)
	if err != nil {
		fmt.Fprintf(stderr, "dockerfile-ls cache: %v\n", err)
		return 2
	}
	defer r.Repo.Close()
	if o.format == "json" {
		err = cli.WriteHistoryJSON(stdout, r)
	} else {
		cli.WriteHistoryText(stdout, r)
	}
	if err != nil {
		fmt.Fprintf(stderr, "dockerfile-ls cache: %v\n", err)
		return 2
	}
	return 0
}

func parseCacheArgs(args []string) (*cacheOptions, error) {
	o := &cacheOptions{}
	h := cli.HistoryOptions{}
	var history bool
	fs := flag.NewFlagSet("cache", flag.ContinueOnError)
	fs.BoolVar(&history, "history", false, "")
	fs.IntVar(&h.Max, "n", -1, "")
	fs.BoolVar(&h.AsBuilt, "as-built", false, "")
	fs.BoolVar(&h.WithFixes, "with-fixes", false, "")
	fs.StringVar(&h.BuildKitAddr, "buildkit-addr", "", "")
	fs.SetOutput(io.Discard)
	fs.Var((*repeated)(&o.Changed), "changed", "")
	fs.Var((*repeated)(&o.BuildArgs), "build-arg", "")
	fs.StringVar(&o.Target, "target", "", "")
	fs.StringVar(&o.format, "format", "text", "")
	fs.StringVar(&o.ContextDir, "context", "", "")
	paths, err := parseInterspersed(fs, args)
	switch {
	case err != nil:
		return nil, err
	case o.format != "text" && o.format != "json":
		return nil, fmt.Errorf("unknown --format %q (text or json)", o.format)
	case history:
		return o, o.historyArgs(h, paths)
	case h.Max >= 0 || h.AsBuilt || h.WithFixes || h.BuildKitAddr != "":
		return nil, errors.New("-n, --as-built, --with-fixes and --buildkit-addr go with --history")
	case len(paths) != 1:
		return nil, fmt.Errorf("want one Dockerfile, got %d", len(paths))
	}
	o.Dockerfile = paths[0]
	return o, nil
}

// historyArgs reads --history's arguments: [REV-RANGE] DOCKERFILE.
func (o *cacheOptions) historyArgs(h cli.HistoryOptions, paths []string) error {
	switch len(paths) {
	case 1:
	case 2:
		h.Range = paths[0]
	default:
		return fmt.Errorf("want [REV-RANGE] DOCKERFILE, got %d arguments", len(paths))
	}
	switch {
	case len(o.Changed) > 0 || len(o.BuildArgs) > 0:
		return errors.New("--changed and --build-arg do not go with --history: each commit gives its changes")
	case h.Max < 0 && h.Range == "":
		h.Max = cli.DefaultHistory
	case h.Max < 0:
		h.Max = 0
	case h.Max == 0:
		return errors.New("-n wants at least 1 commit")
	}
	o.Dockerfile, o.history = paths[len(paths)-1], &h
	return nil
}

func writeCacheJSON(w io.Writer, doc *dockerfile.Document, steps []cache.Step) {
	out := make([]jsonStep, 0, len(steps))
	for _, s := range steps {
		out = append(out, jsonStep{Line: s.Line(), Stage: s.Stage, Instruction: instructionText(doc, s), Status: string(s.Status), Reason: s.Reason})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{"steps": out})
}

// statusLabels are the statuses as the text output shows them.
var statusLabels = map[cache.Status]string{cache.Cached: "CACHED", cache.ReRun: "RE-RUN", cache.Depends: "DEPENDS", cache.NotBuilt: "NOT BUILT"}

// writeCacheText prints a table with a header naming its columns, and the
// reason under each step that is not cached.
func writeCacheText(w io.Writer, doc *dockerfile.Document, steps []cache.Step) {
	width := len("STAGE")
	for _, s := range steps {
		width = max(width, len(stageName(doc, s)))
	}
	fmt.Fprintf(w, "%-4s  %-9s  %-*s  %s\n", "LINE", "STATUS", width, "STAGE", "INSTRUCTION")
	indent := strings.Repeat(" ", 4+2+9+2+width+2)
	for _, s := range steps {
		fmt.Fprintf(w, "%4d  %-9s  %-*s  %s\n", s.Line(), statusLabels[s.Status], width, stageName(doc, s), instructionText(doc, s))
		if s.Status != cache.Cached {
			fmt.Fprintf(w, "%sbecause %s\n", indent, s.Reason)
		}
	}
}

// stageName names a step's stage as docker build's progress output does:
// its name, or stage-N when unnamed.
func stageName(doc *dockerfile.Document, s cache.Step) string {
	if i := s.Inst.Stage; i >= 0 && i < len(doc.Stages) && doc.Stages[i].Name == "" {
		return fmt.Sprintf("stage-%d", i)
	}
	return s.Stage
}

func instructionText(doc *dockerfile.Document, s cache.Step) string {
	return strings.Trim(cache.OneLine(doc, s.Inst), "`")
}
