package main

import (
	"context"
	"encoding/json"
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

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

type jsonStep struct {
	Line        int    `json:"line"`
	Stage       string `json:"stage"`
	Instruction string `json:"instruction"`
	Status      string `json:"status"`
	Reason      string `json:"reason"`
}

// runCache prints, for each step, whether a change makes it re-run.
func runCache(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cache", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var changed, buildArgs repeated
	fs.Var(&changed, "changed", "a context path that changed (repeatable)")
	fs.Var(&buildArgs, "build-arg", "a build arg whose value changed (repeatable)")
	target := fs.String("target", "", "the stage to build (default: the project's, else the last)")
	format := fs.String("format", "text", "text or json")
	contextDir := fs.String("context", "", "the build context (default: the project's, else the Dockerfile's folder)")
	// Flags may follow the path, as users type them.
	var paths []string
	for rest := args; len(rest) > 0; {
		if err := fs.Parse(rest); err != nil {
			return usageError(stderr, err)
		}
		rest = fs.Args()
		if len(rest) > 0 {
			paths, rest = append(paths, rest[0]), rest[1:]
		}
	}
	if len(paths) != 1 || (*format != "text" && *format != "json") {
		return usageError(stderr, fmt.Errorf("usage: dockerfile-ls cache PATH [--changed FILE]... [--build-arg NAME]... [--target STAGE] [--format text|json]"))
	}
	text, err := os.ReadFile(paths[0])
	if err != nil {
		fmt.Fprintf(stderr, "dockerfile-ls: %v\n", err)
		return 2
	}
	// The project's settings (.dockerfile-ls.yaml, Compose, bake) give the
	// context, target and build args the flags leave out, as for check.
	abs, err := filepath.Abs(paths[0])
	if err != nil {
		fmt.Fprintf(stderr, "dockerfile-ls: %v\n", err)
		return 2
	}
	st, _, err := config.Load(abs)
	if err != nil {
		fmt.Fprintf(stderr, "dockerfile-ls: %v\n", err)
		return 2
	}
	if *target == "" {
		*target = st.Target
	}
	root := *contextDir
	if root == "" {
		root = st.ContextRoot(abs)
	}
	bctx, err := buildcontext.Load(context.Background(), root, paths[0])
	if err != nil {
		fmt.Fprintf(stderr, "dockerfile-ls: reading the build context %s: %v\n", root, err)
		return 2
	}
	doc := dockerfile.Parse(text)
	steps := cache.Predict(cache.Input{Doc: doc, Context: bctx, Target: *target, BuildArgs: st.BuildArgs}, cache.Change{Paths: changed, BuildArgs: buildArgs})
	out := make([]jsonStep, 0, len(steps))
	for _, s := range steps {
		out = append(out, jsonStep{Line: s.Line(), Stage: s.Stage, Instruction: strings.Trim(cache.OneLine(doc, s.Inst), "`"), Status: string(s.Status), Reason: s.Reason})
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"steps": out})
		return 0
	}
	labels := map[string]string{"cached": "CACHED", "re-run": "RE-RUN", "depends": "DEPENDS", "not-built": "NOT BUILT"}
	for _, s := range out {
		fmt.Fprintf(stdout, "%4d  %-9s  [%s] %s\n", s.Line, labels[s.Status], s.Stage, s.Instruction)
		if s.Status != "cached" {
			fmt.Fprintf(stdout, "      %9s  because %s\n", "", s.Reason)
		}
	}
	return 0
}
