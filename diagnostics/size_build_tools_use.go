package diagnostics

import (
	"iter"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

// What BuildToolsInFinalImage needs to know before calling a tool
// "needed only for building": that the image runs something other than a
// build, and that a build in this file uses the tool. Without both, the
// tool may be what the image is for (a CI or development environment, a
// base image for others to compile on, a runner that compiles at run time)
// and the rule stays quiet.

// imagePurpose is what the final stage says about what its image runs.
type imagePurpose struct {
	// runs: a CMD or ENTRYPOINT in the stage or a stage it builds FROM, or
	// a base image whose own CMD serves. Without one the image is a base
	// or an environment: its users do the building.
	runs bool
	// builds: that command compiles, builds or tests (make, `ci`, `test`):
	// the tools are what running the image needs.
	builds bool
	// shell: that command is an interactive shell (bash, tmux): the image
	// is a workbench, what it holds is for its user.
	shell bool
}

// buildVerbs are programs or first arguments of a CMD or ENTRYPOINT that
// make running the image a build or a test run (`ci` is dapper's).
var buildVerbs = map[string]bool{
	"ci": true, "build": true, "test": true, "tests": true, "compile": true,
	"make": true, "cmake": true, "gcc": true, "cc": true, "go": true, "cargo": true, "mvn": true, "gradle": true,
}

func purposeOf(bs *dockerfile.BuildState, st *dockerfile.Stage, base imgsize.BaseImage) imagePurpose {
	p := imagePurpose{runs: base.Service}
	for _, s := range stageChain(bs, st) {
		for _, in := range s.Instructions {
			if in.Keyword == "CMD" || in.Keyword == "ENTRYPOINT" {
				p.runs = true
				p.builds = p.builds || runsBuild(in)
				p.shell = p.shell || runsShell(in)
			}
		}
	}
	return p
}

// runsShell: a CMD or ENTRYPOINT runs an interactive shell (bash, tmux)
// with nothing to run.
func runsShell(in *dockerfile.Instruction) bool {
	words := cmdWords(in)
	return len(words) > 0 && shells[path.Base(words[0])] &&
		!slices.ContainsFunc(words[1:], func(w string) bool { return !strings.HasPrefix(w, "-") || w == "-c" })
}

func cmdWords(in *dockerfile.Instruction) []string {
	var words []string
	for _, a := range in.Args {
		words = append(words, strings.Fields(a.Value)...)
	}
	return words
}

// runsBuild: the program a CMD or ENTRYPOINT runs, or its first
// argument, names a build or a test (make, ci, run_tests.sh).
func runsBuild(in *dockerfile.Instruction) bool {
	words := cmdWords(in)
	for _, w := range words[:min(2, len(words))] {
		name := strings.ToLower(strings.TrimSuffix(path.Base(w), path.Ext(w)))
		if buildVerbs[name] || strings.HasPrefix(name, "test") || strings.HasPrefix(name, "run_test") || strings.HasPrefix(name, "run-test") {
			return true
		}
	}
	return false
}

// shells are programs whose CMD makes an image an interactive workbench.
var shells = map[string]bool{"bash": true, "sh": true, "ash": true, "zsh": true, "fish": true, "tmux": true, "screen": true}

// toolUse says which builds use a build package.
type toolUse int

const (
	anyBuild  toolUse = iota // compilers, headers: any native build
	javaBuild                // a JDK, Maven, Gradle
	goBuild                  // a Go toolchain
	rustBuild                // rustc, cargo
)

func useOf(pkg string) toolUse {
	n := packageName(pkg)
	switch {
	case n == "golang" || n == "golang-go" || n == "go":
		return goBuild
	case n == "rustc" || n == "cargo":
		return rustBuild
	case n == "maven" || n == "gradle" || n == "default-jdk" || strings.HasPrefix(n, "openjdk-") && strings.HasSuffix(n, "-jdk"):
		return javaBuild
	}
	return anyBuild
}

// nativeBuilders are commands outside the package catalog that compile or
// drive a compilation.
var nativeBuilders = map[string]bool{
	"configure": true, "autoreconf": true, "autogen.sh": true, "meson": true, "ninja": true, "scons": true,
	"phpize": true, "docker-php-ext-install": true, "docker-php-ext-configure": true, "pecl": true,
	"cpan": true, "cpanm": true, "node-gyp": true, "R": true, "Rscript": true, "mix": true, "rebar3": true,
	"cabal": true, "stack": true, "bazel": true, "setup.py": true,
}

// javaBuilders compile Java outside the catalog's Maven and Gradle.
var javaBuilders = map[string]bool{"javac": true, "ant": true, "sbt": true, "lein": true, "kotlinc": true}

// uses reports whether command c may use a tool of kind u: it builds with
// it, or, when scripts count, it is a script whose commands cannot be seen.
func uses(c shell.Command, u toolUse, scripts bool) bool {
	if c.AfterOr {
		return false
	}
	if opaqueScript(c) {
		return scripts
	}
	name := path.Base(c.Name())
	inv, ok := pkgmgr.Classify(c)
	eco := ""
	if ok && inv.Manager != nil && (inv.Action == pkgmgr.Build || inv.Action == pkgmgr.Install && !inv.Manager.System && !installsTooling(inv)) {
		eco = inv.Manager.Ecosystem
	}
	switch u {
	case goBuild:
		return eco == "go"
	case rustBuild:
		return eco == "rust"
	case javaBuild:
		return eco == "java" || javaBuilders[name]
	}
	if eco != "" && eco != "php" && eco != "dotnet" {
		return true
	}
	return compilers[name] || nativeBuilders[name] || bareBundle(c) || strings.HasPrefix(name, "python") && hasArg(c, "setup.py")
}

// bareBundle: a bare `bundle` or `bundler` (with options only), which is
// `bundle install` but which the catalog does not classify.
func bareBundle(c shell.Command) bool {
	name := path.Base(c.Name())
	_, ok := pkgmgr.Classify(c)
	return !ok && (name == "bundle" || name == "bundler")
}

// tooling are packages that are package managers or their plumbing, pure
// code that installs without compiling.
var tooling = map[string]bool{
	"bundler": true, "pip": true, "setuptools": true, "wheel": true, "npm": true, "yarn": true, "pnpm": true,
	"poetry": true, "pipenv": true, "uv": true, "virtualenv": true, "corepack": true,
}

// installsTooling: an install that names packages, each of them tooling
// (gem install bundler, pip install --upgrade pip setuptools wheel).
func installsTooling(inv pkgmgr.Invocation) bool {
	return len(inv.Packages) > 0 && !slices.ContainsFunc(inv.Packages, func(p string) bool { return !tooling[packageName(p)] })
}

// opaqueScript: a script run from a file, whose commands the rule cannot
// see (./build.sh, bash install.sh, python build.py).
func opaqueScript(c shell.Command) bool {
	name := path.Base(c.Name())
	if strings.HasSuffix(name, ".sh") || strings.HasPrefix(c.Name(), "./") {
		return true
	}
	if !scriptRunners[strings.TrimRight(name, "0123456789.")] || len(c.Args) < 2 {
		return false
	}
	first := c.Args[1].Value
	return !strings.HasPrefix(first, "-") && path.Ext(first) != ""
}

// scriptRunners run a script file named as their first argument.
var scriptRunners = map[string]bool{"bash": true, "sh": true, "python": true, "perl": true, "ruby": true, "node": true}

func hasArg(c shell.Command, arg string) bool {
	for _, w := range c.Args[1:] {
		if path.Base(w.Value) == arg {
			return true
		}
	}
	return false
}

// laterCommands are the commands that run after offset start of inst in
// the stages that ship (inst's stage and those built FROM it), in order.
// An iterator, not a slice: it is asked once per install of every RUN, and
// a copy of the rest of the file each time made a keystroke on a
// 2,000-line file allocate 149 MiB.
func laterCommands(bs *dockerfile.BuildState, final map[int]bool, inst *dockerfile.Instruction, start int) iter.Seq[shell.Command] {
	return func(yield func(shell.Command) bool) {
		for _, c := range commands(bs, inst) {
			if c.Start >= start && !yield(c) {
				return
			}
		}
		for _, st := range bs.Document().Stages {
			if !final[st.Index] || st.Index < inst.Stage {
				continue
			}
			for _, in := range st.Instructions {
				if in.Keyword != "RUN" || st.Index == inst.Stage && in.Line <= inst.Line {
					continue
				}
				for _, c := range commands(bs, in) {
					if !yield(c) {
						return
					}
				}
			}
		}
	}
}

// usedLater reports whether a later command may use a tool of kind u
// (scripts: see uses).
func usedLater(later iter.Seq[shell.Command], u toolUse, scripts bool) bool {
	for c := range later {
		if uses(c, u, scripts) {
			return true
		}
	}
	return false
}

// removedByLaterRun reports whether a later RUN of the shipped stages
// removes the package: the file itself treats it as build-only.
func removedByLaterRun(bs *dockerfile.BuildState, final map[int]bool, inst *dockerfile.Instruction, inv pkgmgr.Invocation, pkg string) bool {
	for _, st := range bs.Document().Stages {
		if !final[st.Index] || st.Index < inst.Stage {
			continue
		}
		for _, in := range st.Instructions {
			if in.Keyword != "RUN" || st.Index == inst.Stage && in.Line <= inst.Line {
				continue
			}
			removed := removedLater(invocations(bs, in), inv)
			if removed["*"] || removed[packageName(pkg)] {
				return true
			}
		}
	}
	return false
}

// purgesAutoInstalled reports whether a command of cmds that starts at or
// after offset start marks every package automatic (`apt-mark auto '.*'`)
// before an autoremove that follows: the official images' way to remove
// their build dependencies and keep what the result links against.
func purgesAutoInstalled(cmds []shell.Command, start int) bool {
	marked := false
	for _, c := range cmds {
		switch {
		case c.Start < start, c.AfterOr:
		case c.Name() == "apt-mark" && len(c.Args) > 1 && c.Args[1].Value == "auto":
			marked = true
		case marked && isAutoRemove(c):
			return true
		}
	}
	return false
}

func isAutoRemove(c shell.Command) bool {
	inv, ok := pkgmgr.Classify(c)
	if !ok || inv.Manager == nil || inv.Manager.Name != "apt" || inv.Action != pkgmgr.Remove {
		return false
	}
	_, flag := inv.Flags["--auto-remove"]
	_, purge := inv.Flags["--autoremove"]
	return flag || purge || len(inv.Sub) > 0 && strings.HasPrefix(inv.Sub[0], "auto")
}
