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

// compiledEcosystems are those whose build output runs without the
// toolchain that made it (a binary, a jar, a publish folder).
var compiledEcosystems = map[string]bool{"go": true, "rust": true, "java": true, "dotnet": true}

// compilers are commands that compile or drive a compilation.
var compilers = map[string]bool{"gcc": true, "g++": true, "cc": true, "c++": true, "clang": true, "clang++": true, "make": true, "cmake": true, "ninja": true, "javac": true, "rustc": true}

func checkBuildToolsInFinalImage(p *Pass) {
	bs := p.state()
	final := finalStages(p.Doc)
	for _, st := range p.Doc.Stages {
		if !final[st.Index] {
			continue
		}
		base := stageBaseImage(p.state(), st)
		for i, inst := range st.Instructions {
			if inst.Keyword != "RUN" {
				continue
			}
			if tools, at, ok := buildPackagesKept(bs, inst); ok {
				p.Report(at, fmt.Sprintf(
					"%s %s only for building, and this stage ships: %s in the final image. Install %s in a build stage and copy only %s into this one, or remove %s in this same RUN.",
					listNames(tools), plural(len(tools), "is needed", "are needed"), plural(len(tools), "it stays", "they stay"),
					plural(len(tools), "it", "them"), artefacts(bs, st.Instructions[i:]), plural(len(tools), "it", "them")), nil, nil)
				continue
			}
			if base.Toolchain {
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

// buildPackagesKept are the build packages a RUN installs with a system
// manager and does not remove again in the same RUN.
func buildPackagesKept(bs *dockerfile.BuildState, inst *dockerfile.Instruction) ([]string, dockerfile.Span, bool) {
	invs := invocations(bs, inst)
	var tools []string
	var at dockerfile.Span
	for k, inv := range invs {
		if !inv.Manager.System || inv.Action != pkgmgr.Install {
			continue
		}
		removed := removedLater(invs[k+1:], inv)
		if removed["*"] {
			continue
		}
		for _, pkg := range inv.Packages {
			if isBuildPackage(pkg) && !removed[packageName(pkg)] && !slices.Contains(tools, packageName(pkg)) {
				if len(tools) == 0 {
					at = cmdSpan(inst, inv.Command)
				}
				tools = append(tools, packageName(pkg))
			}
		}
	}
	return tools, at, len(tools) > 0
}

// removedLater are the package names later removals in the RUN name; "*"
// when they remove the install's whole virtual group (apk add --virtual).
func removedLater(rest []pkgmgr.Invocation, inv pkgmgr.Invocation) map[string]bool {
	out := map[string]bool{}
	group := inv.Flags["--virtual"] + inv.Flags["-t"]
	for _, r := range rest {
		if r.Manager.Name != inv.Manager.Name || r.Action != pkgmgr.Remove {
			continue
		}
		for _, pkg := range r.Packages {
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
		cmdText(c), base.Ref, size, artefacts(bs, rest), ship)
}

// artefacts names what a build in these instructions produces, for the
// COPY --from that should replace the toolchain: "the binary /out/app",
// "target/*.jar", or a description.
func artefacts(bs *dockerfile.BuildState, insts []*dockerfile.Instruction) string {
	for _, in := range insts {
		if in.Keyword != "RUN" {
			continue
		}
		pl := placeOf(bs, in)
		for _, c := range commands(bs, in) {
			if a := artefactOf(c, pl); a != "" {
				return a
			}
		}
	}
	return "what the build produces"
}

func artefactOf(c shell.Command, pl place) string {
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
	case ok && inv.Manager != nil && inv.Manager.Ecosystem == "ruby" && inv.Action == pkgmgr.Install:
		return "the installed gems (`/usr/local/bundle`)"
	case name == "gcc" || name == "g++" || name == "cc" || name == "c++" || name == "clang" || name == "clang++":
		if o := outFlag("-o"); o != "" {
			return "the binary `" + abs(o) + "`"
		}
	case name == "make" && slices.ContainsFunc(c.Args[1:], func(w shell.Word) bool { return w.Value == "install" }):
		return "what `make install` installs (e.g. under `/usr/local`)"
	}
	return ""
}

func listNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + path.Base(n) + "`"
	}
	if len(q) > 4 {
		q = append(q[:4], fmt.Sprintf("%d more", len(names)-4))
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
