package main

import (
	"errors"
	"fmt"

	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
)

// validateHistoryDiff refuses what --history-diff does not do: it
// compares one Dockerfile of a repository, and does not fix.
func (o *checkOptions) validateHistoryDiff(paths []string) error {
	switch {
	case len(paths) != 1 || paths[0] == "-":
		return errors.New("--history-diff compares one Dockerfile of a repository: give its path")
	case o.fix || o.diff:
		return errors.New("--history-diff does not go with --fix or --diff")
	case o.format != "text" && o.format != "json":
		return fmt.Errorf("--history-diff prints text or json, not %s", o.format)
	case len(o.buildArgs) > 0:
		return errors.New("--history-diff does not take --build-arg")
	}
	return nil
}

// runHistoryDiff prints whether the working tree's Dockerfile makes the
// cache forecast better or worse than the base's; exit 1 when worse.
func (o *checkOptions) runHistoryDiff(path string) int {
	r, err := cli.HistoryDiff(cli.HistoryDiffOptions{Base: o.historyBase, Max: cli.DefaultHistory,
		CacheOptions: cli.CacheOptions{Dockerfile: path, Target: o.target, ContextDir: o.contextDir}})
	if err == nil && o.format == "json" {
		err = cli.WriteHistoryDiffJSON(o.stdout, r)
	} else if err == nil {
		cli.WriteHistoryDiffText(o.stdout, r)
	}
	if err != nil {
		fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
		return 2
	}
	if r.Verdict() == cli.Worse && o.failLevel != "none" {
		return 1
	}
	return 0
}
