package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

const cacheUsage = `Usage: dockerfile-ls cache [flags] DOCKERFILE

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
                        bake file, else the Dockerfile's folder)
  --format text|json    output format (default text)

The text output has a line per step: its line in DOCKERFILE, its status, its
stage (the stage's name, or stage-N when unnamed, N counting stages from 0, as
docker build shows it) and the instruction; under it, why it re-runs.

Exit status: 0 done, 2 usage or I/O error (a --changed path that is not in the
build context).
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
	dockerfile, target, format, contextDir string
	changed, buildArgs                     repeated
}

// runCache prints, for each step, whether a change makes it re-run.
func runCache(args []string, stdout, stderr io.Writer) int {
	o, err := parseCacheArgs(args)
	if err != nil {
		return commandUsageError(stdout, stderr, "cache", cacheUsage, err)
	}
	doc, steps, err := o.predict()
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

func parseCacheArgs(args []string) (*cacheOptions, error) {
	o := &cacheOptions{}
	fs := flag.NewFlagSet("cache", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&o.changed, "changed", "")
	fs.Var(&o.buildArgs, "build-arg", "")
	fs.StringVar(&o.target, "target", "", "")
	fs.StringVar(&o.format, "format", "text", "")
	fs.StringVar(&o.contextDir, "context", "", "")
	paths, err := parseInterspersed(fs, args)
	switch {
	case err != nil:
		return nil, err
	case len(paths) != 1:
		return nil, fmt.Errorf("want one Dockerfile, got %d", len(paths))
	case o.format != "text" && o.format != "json":
		return nil, fmt.Errorf("unknown --format %q (text or json)", o.format)
	}
	o.dockerfile = paths[0]
	return o, nil
}

// predict reads the Dockerfile, its project's settings (.dockerfile-ls.yaml,
// Compose, bake: the context, target and build args the flags leave out, as
// for check) and its build context, and predicts each step.
func (o *cacheOptions) predict() (*dockerfile.Document, []cache.Step, error) {
	text, err := os.ReadFile(o.dockerfile)
	if err != nil {
		return nil, nil, err
	}
	abs, err := filepath.Abs(o.dockerfile)
	if err != nil {
		return nil, nil, err
	}
	st, _, err := config.Load(abs)
	if err != nil {
		return nil, nil, err
	}
	target := o.target
	if target == "" {
		target = st.Target
	}
	root := st.ContextRoot(abs)
	if o.contextDir != "" {
		root = o.contextDir
	}
	if root, err = filepath.Abs(root); err != nil {
		return nil, nil, err
	}
	changed, err := contextPaths(root, o.changed)
	if err != nil {
		return nil, nil, err
	}
	bctx, err := buildcontext.Load(context.Background(), root, abs)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the build context %s: %w", root, err)
	}
	doc := dockerfile.Parse(text)
	in := cache.Input{Doc: doc, Context: bctx, Target: target, BuildArgs: st.BuildArgs}
	return doc, cache.Predict(in, cache.Change{Paths: changed, BuildArgs: o.buildArgs}), nil
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

// contextPaths maps each --changed path into the build context at root
// (absolute), as cache.Change wants them: relative to root, slash-separated.
func contextPaths(root string, changed []string) ([]string, error) {
	var out []string
	for _, p := range changed {
		rel, err := contextPath(root, p)
		if err != nil {
			return nil, fmt.Errorf("--changed %s: %w", p, err)
		}
		out = append(out, rel)
	}
	return out, nil
}

// contextPath maps one --changed path into the build context at root: the
// file it names from the current folder when it exists there (or it is
// absolute), else the one it names inside the context. Either must exist
// and be inside the context; the error names every path tried.
func contextPath(root, changed string) (string, error) {
	local, err := filepath.Abs(changed)
	if err != nil {
		return "", err
	}
	relLocal, errLocal := inContext(root, local)
	if errLocal == nil || filepath.IsAbs(changed) {
		return relLocal, errLocal
	}
	inCtx := filepath.Join(root, changed)
	relCtx, errCtx := inContext(root, inCtx)
	switch {
	case !exists(local) && errCtx == nil:
		return relCtx, nil
	case exists(local) && errCtx == nil:
		// Both exist: the one from the current folder is meant, as everywhere
		// on a command line, but it is not in the context.
		return "", fmt.Errorf("%s (from the current folder): %w; to mean %s, give %s", local, errLocal, inCtx, relToCwd(inCtx))
	}
	return "", fmt.Errorf("tried %s (from the current folder): %w; and %s (from the build context): %w", local, errLocal, inCtx, errCtx)
}

// errNotExist is a --changed path that names no file.
var errNotExist = errors.New("does not exist")

// inContext returns p relative to root (slash-separated) if it exists and
// is inside root.
func inContext(root, p string) (string, error) {
	if !exists(p) {
		return "", errNotExist
	}
	rel, ok := within(root, p)
	if !ok {
		return "", fmt.Errorf("outside the build context %s", root)
	}
	return rel, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// relToCwd is p from the current folder, as a user would type it.
func relToCwd(p string) string {
	if cwd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(cwd, p); err == nil {
			return rel
		}
	}
	return p
}

// within returns p relative to root (slash-separated) when p is inside
// root, comparing the real folders when either is reached through a
// symbolic link. The file itself is not resolved: a link inside the
// context is a file of the context.
func within(root, p string) (string, bool) {
	if rel, ok := relInside(root, p); ok {
		return rel, true
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", false
	}
	realDir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return "", false
	}
	return relInside(realRoot, filepath.Join(realDir, filepath.Base(p)))
}

func relInside(root, p string) (string, bool) {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
