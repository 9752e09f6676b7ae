package cachehistory

import (
	"fmt"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// The time model: what a step costs when it re-runs, by what it does. The
// figures are an estimate, documented in docs/history.md, and always shown
// as one: no build is run and no duration is measured. They order steps
// the way builds do (an install costs more than a COPY of a few files, a
// download more than an echo), which is what a saving is made of.
const (
	secondsRun      = 1  // starting the RUN's container
	secondsCommand  = 3  // a command the model does not know
	secondsTrivial  = 0  // echo, mkdir, ln... (the RUN's own second covers them)
	secondsFetch    = 10 // curl, wget, git clone: a download
	secondsUpdate   = 15 // refreshing a package index (apt-get update)
	secondsDownload = 30 // fetching dependencies without installing them
	secondsInstall  = 60 // installing packages or dependencies
	secondsBuild    = 90 // compiling or packaging the project
	secondsCopy     = 2  // COPY or ADD of files from the context or a stage
)

// Estimate is what a step is estimated to cost each time it re-runs.
type Estimate struct {
	Seconds float64
	// Kind is what the model took the step for: install, build, download,
	// command, copy, or config (sets the image's configuration; costs
	// nothing).
	Kind string
	// Measured: Seconds is a builder's measured duration (Replayer.Measured),
	// not the model's.
	Measured bool
	// CacheMount: the RUN has a cache mount. It is counted in full: cache
	// mounts stay on the builder that ran them and are not exported with
	// the build cache (--cache-to), so a CI builder that starts empty has
	// them empty and they save nothing.
	CacheMount bool
}

// trivialCommands cost nothing beyond the RUN itself.
var trivialCommands = map[string]bool{
	"echo": true, "printf": true, "mkdir": true, "ln": true, "chmod": true, "chown": true,
	"cp": true, "mv": true, "rm": true, "touch": true, "true": true, "test": true, "[": true,
	"cat": true, "sed": true, "export": true, "cd": true, "set": true, "useradd": true,
	"adduser": true, "groupadd": true, "addgroup": true, "usermod": true, "tee": true,
	"sh": true, "bash": true, "ls": true, "env": true, "id": true, "which": true,
}

// fetchCommands download something.
var fetchCommands = map[string]bool{"curl": true, "wget": true, "git": true, "aria2c": true}

// EstimateStep estimates what re-running inst costs, reading it through
// the build state st of its document.
func EstimateStep(st *dockerfile.BuildState, inst *dockerfile.Instruction) Estimate {
	switch inst.Keyword {
	case "RUN":
		return estimateRun(st, inst)
	case "COPY", "ADD":
		for _, src := range st.Of(inst).Copy().Sources {
			if isRemote(src.Text) {
				return Estimate{Seconds: secondsFetch, Kind: "download"}
			}
		}
		return Estimate{Seconds: secondsCopy, Kind: "copy"}
	}
	return Estimate{Kind: "config"}
}

// estimateRun adds up the commands a RUN executes.
func estimateRun(st *dockerfile.BuildState, inst *dockerfile.Instruction) Estimate {
	e := Estimate{Seconds: secondsRun, Kind: "command"}
	for _, m := range st.Of(inst).Mounts() {
		e.CacheMount = e.CacheMount || m.Type == "cache"
	}
	script := st.Document().Script(inst)
	if script == nil || len(script.Commands) == 0 {
		e.Seconds += secondsCommand // a script the model cannot read
		return e
	}
	rank := 0
	for _, c := range script.Commands {
		secs, kind := commandCost(c)
		e.Seconds += secs
		if r := kindRank[kind]; r > rank {
			rank, e.Kind = r, kind
		}
	}
	return e
}

// kindRank picks the kind a RUN is shown as: its costliest kind of command.
var kindRank = map[string]int{"command": 1, "download": 2, "install": 3, "build": 4}

// commandCost prices one command: a package manager by what it is asked
// to do, any other by its name.
func commandCost(c shell.Command) (float64, string) {
	if inv, ok := pkgmgr.Classify(c); ok {
		switch inv.Action {
		case pkgmgr.Install:
			return secondsInstall, "install"
		case pkgmgr.Build:
			return secondsBuild, "build"
		case pkgmgr.Update:
			return secondsUpdate, "download"
		case pkgmgr.Download:
			return secondsDownload, "download"
		}
	}
	switch name := c.Name(); {
	case trivialCommands[name]:
		return secondsTrivial, "command"
	case fetchCommands[name]:
		return secondsFetch, "download"
	}
	return secondsCommand, "command"
}

// isRemote reports whether an ADD source is fetched over the network.
func isRemote(src string) bool {
	for _, p := range []string{"http://", "https://", "git@", "git://", "ssh://"} {
		if strings.HasPrefix(src, p) {
			return true
		}
	}
	return false
}

// Duration shows estimated seconds to a reader: 45 s, 12 min, 3.4 h.
func Duration(secs float64) string {
	switch {
	case secs < 90:
		return fmt.Sprintf("%.0f s", secs)
	case secs < 90*60:
		return fmt.Sprintf("%.0f min", secs/60)
	}
	return fmt.Sprintf("%.1f h", secs/3600)
}
