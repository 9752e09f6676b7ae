package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

var buildToolsInFinalImage = &Rule{
	Name: "BuildToolsInFinalImage", Category: Size, Severity: Info,
	Summary: "compilers, -dev packages or a language toolchain in the stage that ships: build in an earlier stage and copy only the artefacts",
	DocsURL: DocsBase + "BuildToolsInFinalImage.md",
	Check:   checkBuildToolsInFinalImage,
}

// buildPackages are OS packages that only building needs (exact names);
// buildPackageSuffixes catch header packages (libpq-dev, openssl-devel).
var buildPackages = map[string]bool{
	"build-essential": true, "build-base": true, "gcc": true, "g++": true, "gcc-c++": true, "c++": true, "cpp": true,
	"clang": true, "llvm": true, "make": true, "cmake": true, "autoconf": true, "automake": true, "libtool": true,
	"pkg-config": true, "pkgconf": true, "pkgconfig": true, "gfortran": true, "ninja-build": true, "meson": true,
	"bison": true, "flex": true, "musl-dev": true, "linux-headers": true, "golang": true, "golang-go": true, "go": true,
	"rustc": true, "cargo": true, "maven": true, "gradle": true, "default-jdk": true, "scons": true, "swig": true,
	"dpkg-dev": true, "libc6-dev": true, "libc-dev": true, "kernel-headers": true, "glibc-devel": true,
}

var buildPackageSuffixes = []string{"-dev", "-devel", "-headers"}

func isBuildPackage(pkg string) bool {
	n := packageName(pkg)
	if buildPackages[n] {
		return true
	}
	for _, s := range buildPackageSuffixes {
		if strings.HasSuffix(n, s) && len(n) > len(s) {
			return true
		}
	}
	// versioned compilers and JDKs: gcc-12, g++-12, clang-15, openjdk-17-jdk
	for _, prefix := range []string{"gcc-", "g++-", "clang-", "llvm-"} {
		if rest, ok := strings.CutPrefix(n, prefix); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			return true
		}
	}
	return strings.HasPrefix(n, "openjdk-") && strings.HasSuffix(n, "-jdk")
}

// compilerPackages are the packages that bring a C compiler, as the
// image tables list them or a RUN installs them (versioned ones too:
// gcc-12).
var compilerPackages = []string{"build-essential", "build-base", "gcc", "g++", "gcc-c++", "clang", "cc", "c++"}

func isCompilerPackage(n string) bool {
	if slices.Contains(compilerPackages, n) || strings.Contains(strings.ToLower(n), "development tools") {
		return true
	}
	for _, prefix := range []string{"gcc-", "g++-", "clang-"} {
		if rest, ok := strings.CutPrefix(n, prefix); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			return true
		}
	}
	return false
}

// headersOnly: a package of headers (libre2-dev, openssl-devel), which
// a build uses only with a compiler.
func headersOnly(n string) bool {
	return !buildPackages[n] && slices.ContainsFunc(buildPackageSuffixes, func(s string) bool { return strings.HasSuffix(n, s) })
}

// bareDistros are the distributions' own images, which have no compiler.
var bareDistros = map[string]bool{
	"debian": true, "ubuntu": true, "alpine": true, "centos": true, "fedora": true, "rockylinux": true,
	"almalinux": true, "oraclelinux": true, "amazonlinux": true, "opensuse/leap": true, "archlinux": true,
}

// noCompilerIn: the image is known to have no C compiler: a bare
// distribution, or one whose package list is known and has none.
func noCompilerIn(base imgsize.BaseImage) bool {
	if !base.Known || base.Toolchain || slices.ContainsFunc(compilerPackages, func(c string) bool { return base.Packages[c] }) {
		return false
	}
	return bareDistros[base.Repo] || len(base.Packages) > 0
}

// recommendsCompiler are packages that bring build-essential through
// their Recommends, which apt installs unless told not to.
var recommendsCompiler = map[string]bool{"python-pip": true, "python3-pip": true, "npm": true, "node-gyp": true}

// installsCompiler: a RUN of the shipped stages installs a compiler with
// a system package manager: by name, with a package that recommends one,
// or as build dependencies (apt-get build-dep).
func installsCompiler(bs *dockerfile.BuildState, doc *dockerfile.Document, final map[int]bool) bool {
	for _, st := range doc.Stages {
		if !final[st.Index] {
			continue
		}
		for _, in := range st.Instructions {
			if in.Keyword == "RUN" && slices.ContainsFunc(invocations(bs, in), bringsCompiler) {
				return true
			}
		}
	}
	return false
}

func bringsCompiler(inv pkgmgr.Invocation) bool {
	if !inv.Manager.System || inv.Action != pkgmgr.Install {
		return false
	}
	if len(inv.Sub) > 0 && (inv.Sub[0] == "build-dep" || inv.Sub[0] == "builddep") {
		return true
	}
	recommends := inv.Manager.Name == "apt" && !inv.HasFlag("--no-install-recommends")
	return slices.ContainsFunc(inv.Packages, func(p string) bool {
		n := packageName(p)
		return isCompilerPackage(n) || recommends && recommendsCompiler[n]
	})
}

// compiledEcosystems are those whose build output runs without the
// toolchain that made it (a binary, a jar, a publish folder).
var compiledEcosystems = map[string]bool{"go": true, "rust": true, "java": true, "dotnet": true}

// compilers are commands that compile or drive a compilation.
var compilers = map[string]bool{"gcc": true, "g++": true, "cc": true, "c++": true, "clang": true, "clang++": true, "make": true, "cmake": true, "ninja": true, "javac": true, "rustc": true}

func checkBuildToolsInFinalImage(p *Pass) {
	if len(p.Doc.Stages) == 0 {
		return
	}
	bs := p.state()
	final := finalStages(p.Doc)
	base := stageBaseImage(bs, p.Doc.Stages[len(p.Doc.Stages)-1])
	purpose := purposeOf(bs, p.Doc.Stages[len(p.Doc.Stages)-1], base)
	if purpose.builds {
		return // running the image builds or tests: the tools are for that
	}
	compilerKnown := !noCompilerIn(base) || installsCompiler(bs, p.Doc, final)
	for _, st := range p.Doc.Stages {
		if !final[st.Index] {
			continue
		}
		for i, inst := range st.Instructions {
			if inst.Keyword != "RUN" {
				continue
			}
			k := keptTools{bs: bs, final: final, inst: inst, base: base, runs: purpose.runs, compiler: compilerKnown}
			if tools, at, ok := k.find(); ok {
				p.Report(at, fmt.Sprintf(
					"%s %s only for building, and this stage ships: %s in the final image. Install %s in a build stage and copy only %s into this one, or remove %s in this same RUN.",
					capital(listNames(tools)), plural(len(tools), "is needed", "are needed"), plural(len(tools), "it stays", "they stay"),
					plural(len(tools), "it", "them"), artefacts(bs, base, st.Instructions[i:]), plural(len(tools), "it", "them")), nil, nil)
				continue
			}
			if base.Toolchain && purpose.runs {
				if c, ok := firstBuild(bs, inst); ok {
					p.Report(cmdSpan(inst, c), toolchainMessage(base, c, bs, st.Instructions[i:]), nil, nil)
				}
			}
		}
	}
}

// stageBaseImage is the table's view of the image a stage starts from,
// with the build's args.
func stageBaseImage(bs *dockerfile.BuildState, st *dockerfile.Stage) imgsize.BaseImage {
	img, _ := bs.StageImage(st)
	if !img.Known {
		return imgsize.BaseImage{}
	}
	return imgsize.Base(img.Text)
}

// keptTools finds the build packages a RUN of a shipped stage installs
// with a system manager and leaves in the image, for nothing but a build.
type keptTools struct {
	bs    *dockerfile.BuildState
	final map[int]bool
	inst  *dockerfile.Instruction
	base  imgsize.BaseImage
	runs  bool // the image declares what it runs (imagePurpose.runs)
	// compiler: the shipped stages may have a C compiler: their image is
	// not known to lack one, or a RUN installs one. Without one, a script
	// the rule cannot read is no sign that headers are build-only: it
	// brings its own toolchain, and may need them when the image runs
	// (installers that build software on demand).
	compiler bool
}

// find lists them, with the span of the first install that has one. A
// package is left out when the base image already has it (moving it saves
// nothing), when no later build in the file uses it (it may be what the
// image is for), when the RUN removes it again (by name, by virtual group,
// or apt-mark auto with an autoremove), and, in an image that declares no
// command, unless a later RUN removes it (the file shows it is build-only).
func (k keptTools) find() ([]string, dockerfile.Span, bool) {
	invs := invocations(k.bs, k.inst)
	cmds := commands(k.bs, k.inst)
	var tools []string
	var at dockerfile.Span
	for i, inv := range invs {
		if !inv.Manager.System || inv.Action != pkgmgr.Install {
			continue
		}
		removed := removedLater(invs[i+1:], inv)
		if removed["*"] || purgesAutoInstalled(cmds, inv.Command.End) {
			continue
		}
		later := laterCommands(k.bs, k.final, k.inst, inv.Command.End)
		buildDep := len(inv.Sub) > 0 && (inv.Sub[0] == "build-dep" || inv.Sub[0] == "builddep")
		for _, pkg := range inv.Packages {
			name := packageName(pkg)
			scripts := k.compiler || !headersOnly(name)
			if !buildDep && (!isBuildPackage(pkg) || removed[name] || k.base.Packages[name]) ||
				!usedLater(later, useOf(pkg), scripts) || !k.runs && !removedByLaterRun(k.bs, k.final, k.inst, inv, pkg) {
				continue
			}
			shown := "`" + path.Base(name) + "`"
			if buildDep {
				shown = "the build dependencies of " + shown
			}
			if slices.Contains(tools, shown) {
				continue
			}
			if len(tools) == 0 {
				at = cmdSpan(k.inst, inv.Command)
			}
			tools = append(tools, shown)
		}
	}
	return tools, at, len(tools) > 0
}

// removedLater are the package names later removals in the RUN name; "*"
// when they remove the install's whole virtual group (apk add --virtual).
func removedLater(rest []pkgmgr.Invocation, inv pkgmgr.Invocation) map[string]bool {
	var out map[string]bool // nil while none: most RUNs remove nothing
	group := inv.Flags["--virtual"] + inv.Flags["-t"]
	for _, r := range rest {
		if r.Manager.Name != inv.Manager.Name || r.Action != pkgmgr.Remove {
			continue
		}
		for _, pkg := range r.Packages {
			if out == nil {
				out = map[string]bool{}
			}
			out[packageName(pkg)] = true
			if group != "" && pkg == group {
				out["*"] = true
			}
		}
	}
	return out
}

// firstBuild is the RUN's first command that compiles: a build of a
// compiled language (go build, cargo build, mvn package, dotnet publish)
// or a compiler.
func firstBuild(bs *dockerfile.BuildState, inst *dockerfile.Instruction) (shell.Command, bool) {
	for _, c := range commands(bs, inst) {
		if c.AfterOr {
			continue
		}
		if inv, ok := pkgmgr.Classify(c); ok && inv.Manager != nil && inv.Action == pkgmgr.Build && compiledEcosystems[inv.Manager.Ecosystem] {
			return c, true
		}
		if compilers[c.Name()] {
			return c, true
		}
	}
	return shell.Command{}, false
}

func toolchainMessage(base imgsize.BaseImage, c shell.Command, bs *dockerfile.BuildState, rest []*dockerfile.Instruction) string {
	size := ""
	if base.Figure.MB > 0 {
		size = " (" + imgsize.MBText(base.Figure.MB) + " compressed)"
	}
	ship := ""
	if len(base.Ship) > 0 {
		var names []string
		for _, s := range base.Ship {
			n := "`" + s.Ref + "`"
			if s.Figure.MB > 0 {
				n += " (" + imgsize.MBText(s.Figure.MB) + ")"
			}
			names = append(names, n)
		}
		ship = " in a stage FROM " + strings.Join(names, " or ")
	}
	return fmt.Sprintf("The final stage compiles with %s on %s%s: the whole toolchain ships with the result. Build in a separate stage and copy only %s%s.",
		cmdText(c), base.Ref, size, artefacts(bs, base, rest), ship)
}

// artefacts names what a build in these instructions produces, for the
// COPY --from that should replace the toolchain: "the binary /out/app",
// "target/*.jar", or, when no build or several different ones are seen,
// a description.
func artefacts(bs *dockerfile.BuildState, base imgsize.BaseImage, insts []*dockerfile.Instruction) string {
	const unsure = "what the build produces"
	found := ""
	for _, in := range insts {
		if in.Keyword != "RUN" {
			continue
		}
		pl := placeOf(bs, in)
		for _, c := range commands(bs, in) {
			a := artefactOf(c, pl, base)
			if a == "" && otherBuild(c) {
				a = unsure
			}
			switch {
			case a == "" || a == found:
			case found != "":
				return unsure
			default:
				found = a
			}
		}
	}
	if found == "" {
		return unsure
	}
	return found
}

// otherBuild: a build whose output the rule cannot name (a script, mix
// release), not a step of a configure && make && make install.
func otherBuild(c shell.Command) bool {
	name := path.Base(c.Name())
	return !compilers[name] && !makeSteps[name] && uses(c, anyBuild, true)
}

var makeSteps = map[string]bool{"configure": true, "autoreconf": true, "autogen.sh": true, "meson": true, "scons": true}

func artefactOf(c shell.Command, pl place, base imgsize.BaseImage) string {
	// An output path as the build writes it, else as written.
	abs := func(p string) string {
		if a, ok := pl.abs(p); ok {
			return a
		}
		return p
	}
	inv, ok := pkgmgr.Classify(c)
	name := c.Name()
	outFlag := func(flags ...string) string {
		for i, w := range c.Args {
			for _, f := range flags {
				if w.Value == f && i+1 < len(c.Args) && !c.Args[i+1].Dynamic {
					return c.Args[i+1].Value
				}
				if v, ok := strings.CutPrefix(w.Value, f+"="); ok {
					return v
				}
			}
		}
		return ""
	}
	switch {
	case ok && inv.Manager != nil && inv.Manager.Name == "go" && inv.Action == pkgmgr.Build:
		if o := outFlag("-o"); o != "" {
			return "the binary `" + abs(o) + "`"
		}
		return "the binary `go build` writes (name it with -o)"
	case ok && inv.Manager != nil && inv.Manager.Name == "cargo" && inv.Action == pkgmgr.Build:
		return "the binary from `target/release/`"
	case ok && inv.Manager != nil && inv.Manager.Name == "maven" && inv.Action == pkgmgr.Build:
		return "the jar from `target/`"
	case ok && inv.Manager != nil && inv.Manager.Name == "gradle" && inv.Action == pkgmgr.Build:
		return "the jar from `build/libs/`"
	case ok && inv.Manager != nil && inv.Manager.Name == "dotnet" && inv.Action == pkgmgr.Build:
		if o := outFlag("-o", "--output"); o != "" {
			return "the publish folder `" + abs(o) + "`"
		}
		return "the publish output (`dotnet publish -o /app`)"
	case ok && inv.Manager != nil && inv.Manager.Ecosystem == "python" && inv.Action == pkgmgr.Install:
		return "the installed Python packages (a virtualenv, or wheels built with `pip wheel`)"
	case ok && inv.Manager != nil && inv.Manager.Ecosystem == "node" && inv.Action == pkgmgr.Install:
		return "`node_modules` (installed with the build tools in the build stage)"
	case ok && inv.Manager != nil && inv.Manager.Ecosystem == "ruby" && inv.Action == pkgmgr.Install, bareBundle(c):
		return gemsArtefact(pl, base)
	case name == "gcc" || name == "g++" || name == "cc" || name == "c++" || name == "clang" || name == "clang++":
		if o := outFlag("-o"); o != "" {
			return "the binary `" + abs(o) + "`"
		}
	case name == "make" && slices.ContainsFunc(c.Args[1:], func(w shell.Word) bool { return w.Value == "install" }):
		return "what `make install` installs (e.g. under `/usr/local`)"
	}
	return ""
}

// gemsArtefact names where gems go: GEM_HOME when the file sets it, the
// official ruby image's /usr/local/bundle, else no path (a distribution's
// ruby installs them elsewhere).
func gemsArtefact(pl place, base imgsize.BaseImage) string {
	if v, ok := pl.x.Lookup("GEM_HOME"); ok && v.Known && v.Value != "" {
		return "the installed gems (`" + v.Value + "`)"
	}
	if base.Repo == "ruby" {
		return "the installed gems (`/usr/local/bundle`)"
	}
	return "the installed gems"
}

func listNames(names []string) string {
	q := slices.Clone(names)
	if len(q) > 4 {
		q = append(q[:4], fmt.Sprintf("%d more", len(names)-4))
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// capital starts a sentence with s.
func capital(s string) string {
	if rest, ok := strings.CutPrefix(s, "the "); ok {
		return "The " + rest
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
