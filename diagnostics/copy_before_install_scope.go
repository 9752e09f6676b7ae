package diagnostics

import (
	"cmp"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

// installScope follows a stage for CopyBeforeInstall: the first COPY that
// brings code, where the context's files land, and the ecosystems whose
// dependencies a RUN installed from their manifests before that COPY.
type installScope struct {
	p         *Pass
	bs        *dockerfile.BuildState
	broad     *dockerfile.Instruction   // the first COPY/ADD of code so far
	code      []*dockerfile.Instruction // every COPY/ADD of code so far
	dests     []string                  // absolute destinations of context COPYs; "" unknown
	depsFirst map[string]bool           // ecosystems installed from manifests before broad
	installed []pkgmgr.Invocation       // the installs from manifests before broad
	fetched   map[string]bool           // ecosystems whose dependencies a RUN after broad fetched
	abs       *absWorkdirs              // for the fixes; worked out for the first
}

// workdirs is where the stage's working directory becomes absolute,
// worked out once per stage.
func (sc *installScope) workdirs(st *dockerfile.Stage) *absWorkdirs {
	if sc.abs == nil {
		sc.abs = absWorkdirsOf(sc.bs, st)
	}
	return sc.abs
}

func (sc *installScope) copied(inst *dockerfile.Instruction) {
	cp := sc.bs.Of(inst).Copy()
	if len(cp.Context) == 0 && len(cp.Unresolved) == 0 {
		return // --from, a URL or a heredoc: nothing of the context
	}
	if copiesCode(sc.p.Context, cp) {
		sc.broad = cmp.Or(sc.broad, inst)
		sc.code = append(sc.code, inst)
	}
	dest := ""
	if cp.Dest.Known {
		dest, _ = placeOf(sc.bs, inst).abs(cp.Dest.Text)
	}
	sc.dests = append(sc.dests, dest)
}

// cause is the first COPY of code before the install that the install's
// RUN does not need: a script it runs or sources (`source
// /opt/etc/scl_enable`) is a file it reads on purpose, no code that
// happens to bust its cache. nil when there is none.
func (sc *installScope) cause(run *dockerfile.Instruction) *dockerfile.Instruction {
	for _, c := range sc.code {
		if !runsCopiedFile(sc.bs, run, c) {
			return c
		}
	}
	return nil
}

// runsCopiedFile: RUN run executes or sources the one file COPY cp
// brings, by its path in the image.
func runsCopiedFile(bs *dockerfile.BuildState, run, cp *dockerfile.Instruction) bool {
	c := bs.Of(cp).Copy()
	if len(c.Context) != 1 || len(c.Unresolved) > 0 || !c.Dest.Known || strings.ContainsAny(c.Context[0], "*?[") {
		return false
	}
	dest, ok := placeOf(bs, cp).abs(c.Dest.Text)
	if !ok {
		return false
	}
	if strings.HasSuffix(c.Dest.Text, "/") || path.Base(c.Dest.Text) == "." {
		dest = path.Join(dest, path.Base(c.Context[0]))
	}
	pl := placeOf(bs, run)
	for _, cmd := range commands(bs, run) {
		if p, ok := scriptRun(pl, cmd); ok && p == dest {
			return true
		}
	}
	return false
}

// scriptRun is the absolute path of the script a command runs: the
// command itself when named by a path, or what source, ., sh or bash
// read.
func scriptRun(pl place, c shell.Command) (string, bool) {
	if len(c.Args) == 0 {
		return "", false
	}
	w := c.Args[0]
	switch path.Base(c.Name()) {
	case "source", ".", "sh", "bash":
		if len(c.Args) < 2 || strings.HasPrefix(c.Args[1].Value, "-") {
			return "", false
		}
		w = c.Args[1]
	}
	v, ok := pl.word(w)
	if !ok || !strings.Contains(v, "/") {
		return "", false
	}
	return pl.abs(v)
}

// installedDeps notes a RUN, before any COPY of code, that installs
// dependencies from manifests (conda's environment file included).
func (sc *installScope) installedDeps(d runDeps) {
	if sc.broad != nil {
		return
	}
	if d.installs {
		sc.depsFirst[d.install.Manager.Ecosystem] = true
		sc.installed = append(sc.installed, d.install)
	}
	if d.builds {
		sc.depsFirst[d.build.Manager.Ecosystem] = true // a build on the manifests alone fetches them too
	}
	if d.conda {
		sc.depsFirst["python"] = true
	}
}

// condaFromFile: conda or mamba creating or updating an environment from
// a file (conda env create -f environment.yml, conda install --file x).
func condaFromFile(c shell.Command) bool {
	name := path.Base(c.Name())
	if name != "conda" && name != "mamba" && name != "micromamba" {
		return false
	}
	for _, w := range c.Args[1:] {
		if w.Value == "-f" || w.Value == "--file" || strings.HasPrefix(w.Value, "--file=") {
			return true
		}
	}
	return false
}

// applies reports whether the advice can apply to the install: not for a
// build after an install or download of its dependencies, nor for a
// project install whose dependencies an earlier RUN installed from their
// manifests (the file already does it), nor for Go in GOPATH mode (there is
// no go.mod to copy first), nor for an install whose files the context's
// COPYs did not bring (a package.json of an installed Python package).
func (sc *installScope) applies(inst *dockerfile.Instruction, inv pkgmgr.Invocation) bool {
	eco := inv.Manager.Ecosystem
	if inv.Action == pkgmgr.Build && (sc.depsFirst[eco] || sc.fetched[eco]) {
		return false // the dependencies are there: the build downloads nothing
	}
	sc.fetched[eco] = true
	if inv.InstallsProject && sc.depsFirst[eco] || sc.repeats(inv) {
		return false
	}
	dir, known := installDir(sc.bs, inst, inv)
	if inv.Manager.Name == "go" && goPathMode(sc, inst, inv, dir, known) {
		return false
	}
	return !known || sc.readsCopied(dir, inv)
}

// readsCopied: the install's files (those it names, else its directory)
// overlap a destination of the context's COPYs.
func (sc *installScope) readsCopied(dir string, inv pkgmgr.Invocation) bool {
	targets := []string{dir}
	if len(inv.Files) > 0 {
		targets = nil
		for _, f := range inv.Files {
			if strings.ContainsAny(f, "$`") {
				return true
			}
			targets = append(targets, path.Join(dir, f))
		}
	}
	for _, d := range sc.dests {
		for _, t := range targets {
			if d == "" || under(t, d) || under(d, t) {
				return true
			}
		}
	}
	return false
}

// repeats: the install is one that ran before the COPY of code, from the
// same manifests and with no flag that one lacked (composer install
// --no-scripts, then composer install after the full COPY for the
// autoloader and the scripts; bundle install --path x, then bundle
// install): it finds the dependencies installed and downloads nothing.
// Not npm ci, which deletes node_modules first.
func (sc *installScope) repeats(inv pkgmgr.Invocation) bool {
	if inv.Action != pkgmgr.Install || inv.Manager.Name == "npm" && first(inv.Sub) == "ci" {
		return false
	}
	for _, b := range sc.installed {
		same := b.Manager == inv.Manager && slices.Equal(b.Sub, inv.Sub) && slices.Equal(b.Files, inv.Files)
		if same && flagsWithin(inv.Flags, b.Flags) {
			return true
		}
	}
	return false
}

// flagsWithin: every flag of a is in b, with the same value.
func flagsWithin(a, b map[string]string) bool {
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// installDir is the directory the install runs in: the WORKDIR, then the
// `cd`s of the RUN before it. known is false when a part is unknown.
func installDir(bs *dockerfile.BuildState, inst *dockerfile.Instruction, inv pkgmgr.Invocation) (string, bool) {
	return installDirFrom(bs, inst, inv, placeOf(bs, inst).wd)
}

// installDirFrom is installDir with the working directory given.
func installDirFrom(bs *dockerfile.BuildState, inst *dockerfile.Instruction, inv pkgmgr.Invocation, dir string) (string, bool) {
	pl := placeOf(bs, inst)
	for _, c := range commands(bs, inst) {
		if c.Start >= inv.Command.Start {
			break
		}
		if c.Name() != "cd" || c.AfterOr {
			continue
		}
		if len(c.Args) != 2 {
			return "", false
		}
		to, ok := pl.word(c.Args[1])
		if !ok || to == "-" || strings.HasPrefix(to, "~") {
			return "", false
		}
		if !path.IsAbs(to) {
			if dir == "" {
				return "", false
			}
			to = path.Join(dir, to)
		}
		dir = path.Clean(to)
	}
	return dir, dir != ""
}

// goPathMode: the Go build cannot use modules (Go before 1.11), or the
// project sits in GOPATH's src folder, where GOPATH-era projects have no
// go.mod and Go before 1.13 ignores one: unless GO111MODULE=on, `go mod`
// or the build context shows a go.mod, there is none to copy first.
func goPathMode(sc *installScope, inst *dockerfile.Instruction, inv pkgmgr.Invocation, dir string, known bool) bool {
	if first(inv.Sub) == "mod" {
		return false
	}
	if img, _ := sc.bs.StageImage(sc.p.Doc.Stages[inst.Stage]); img.Known {
		if base := imgsize.Base(img.Text); base.Repo == "golang" && versionBefore(base.Tag, 1, 11) {
			return true
		}
	}
	x := sc.bs.Of(inst)
	if v, ok := x.Lookup("GO111MODULE"); !known || ok && v.Value == "on" || sc.p.Context != nil && sc.p.Context.Exists("go.mod") {
		return false
	}
	gopath := "/go" // the golang images' GOPATH, which images built on them keep
	if v, ok := x.Lookup("GOPATH"); ok && v.Known {
		gopath = v.Value
	}
	return under(dir, path.Join(gopath, "src"))
}

// versionBefore: the tag starts with a version older than major.minor
// ("1.8-stretch" is before 1.11); false when it names none ("latest").
func versionBefore(tag string, major, minor int) bool {
	parts := strings.SplitN(strings.SplitN(tag, "-", 2)[0], ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	return err1 == nil && err2 == nil && (ma < major || ma == major && mi < minor)
}
