package diagnostics

import (
	"path"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// Where the commands the manifests-first fix passes work (see
// copy_before_install_fix.go).

// fileCommands take paths as their arguments, bare names too (rm -rf
// node_modules, mkdir data), after as many words as the value says (the
// mode of chmod, the owner of chown).
var fileCommands = map[string]int{
	"rm": 0, "cp": 0, "mv": 0, "touch": 0, "ln": 0, "mkdir": 0, "cat": 0, "ls": 0, "tar": 0, "unzip": 0,
	"gunzip": 0, "source": 0, ".": 0, "chmod": 1, "chown": 1, "chgrp": 1, "sed": 1,
}

// dirAt is the folder command c of RUN in runs in: the working
// directory, then the cds before it in the RUN. ok is false when one is
// unknown, or in a subshell or after a || (it may or may not have run).
func (mf *manifestsFirst) dirAt(in *dockerfile.Instruction, c shell.Command) (string, bool) {
	dir, ok := mf.workdir(in)
	pl := placeOf(mf.bs, in)
	for _, b := range commands(mf.bs, in) {
		if !ok || b.Start >= c.Start {
			break
		}
		if b.Name() != "cd" {
			continue
		}
		if b.Sub || b.AfterOr || len(b.Args) != 2 {
			return "", false
		}
		to, known := pl.word(b.Args[1])
		if !known || to == "-" || strings.HasPrefix(to, "~") {
			return "", false
		}
		dir = resolve(dir, to)
	}
	return dir, ok
}

// writesProject: an install of named packages that writes the project's
// manifests or folders where it runs (npm install lodash, go get, composer
// require, poetry add, pip install -t lib), unless global: a COPY moved
// past it would overwrite what it wrote.
func writesProject(inv pkgmgr.Invocation) bool {
	switch inv.Manager.Name {
	case "npm", "pnpm":
		return !inv.HasFlag("-g", "--global")
	case "yarn", "composer":
		return first(inv.Sub) != "global"
	case "go", "bundler", "poetry", "pipenv":
		return true
	case "uv":
		return first(inv.Sub) != "pip" && first(inv.Sub) != "tool"
	case "pip":
		return inv.HasFlag("-t", "--target", "--prefix", "--root")
	}
	return false
}

// readsProject says why an install that looks manifest-driven reads the
// project's sources too: `go get` without packages builds the package of
// the current folder, `npm install -g` without packages installs the
// project itself, and bundler evaluates a gemspec the stage copies, which
// may require any file (lib/x/version.rb).
func (mf *manifestsFirst) readsProject(inv pkgmgr.Invocation) string {
	switch name := inv.Manager.Name; {
	case len(inv.Packages) > 0:
	case name == "go" && first(inv.Sub) == "get":
		return "the install needs the project's sources: go get without packages builds the current package"
	case (name == "npm" || name == "pnpm") && inv.HasFlag("-g", "--global"):
		return "the install needs the project's sources: npm install -g without packages installs the project"
	case name == "bundler" && mf.copiesGemspec():
		return "the install needs the project's sources: bundler evaluates the gemspec, which may read any file"
	}
	return ""
}

// copiesGemspec: a COPY of the stage before the install copies a gemspec.
func (mf *manifestsFirst) copiesGemspec() bool {
	for _, in := range mf.p.Doc.Stages[mf.run.Stage].Instructions {
		if in.Span.Start >= mf.run.Span.Start || in.Keyword != "COPY" && in.Keyword != "ADD" {
			continue
		}
		for _, src := range mf.bs.Of(in).Copy().Context {
			if strings.HasSuffix(path.Base(src), "gemspec") {
				return true
			}
		}
	}
	return false
}
