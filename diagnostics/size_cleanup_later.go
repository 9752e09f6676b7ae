package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

var cleanupInLaterLayer = &Rule{
	Name: "CleanupInLaterLayer", Category: Size, Severity: Info,
	Summary: "a RUN deletes files or packages an earlier layer created: they stay in that layer, so the image does not get smaller",
	DocsURL: DocsBase + "CleanupInLaterLayer.md",
	Check:   checkCleanupInLaterLayer,
}

// created is a path an instruction creates in its layer.
type created struct {
	path string
	tree bool // a directory whose contents it also creates
}

// exemptRemovals are removals that are not cleanups: Debian's apt cache
// mount idiom deletes the docker-clean hook so that the mounted cache is
// kept.
var exemptRemovals = map[string]bool{"/etc/apt/apt.conf.d/docker-clean": true}

func checkCleanupInLaterLayer(p *Pass) {
	lc := &laterCleanup{p: p, st: p.state(), copies: map[*dockerfile.Instruction][]created{}}
	for inst := range shippedRuns(p.Doc) {
		lc.check(inst)
	}
}

// laterCleanup holds, for one pass, what each earlier COPY or ADD creates
// (worth remembering: it matches the build context), worked out only when
// a later RUN removes something: most RUNs remove nothing, and this runs
// on every keystroke.
type laterCleanup struct {
	p      *Pass
	st     *dockerfile.BuildState
	copies map[*dockerfile.Instruction][]created
}

// created reports whether an earlier instruction left t (or something t's
// removal deletes) in its layer; a small COPY does not count.
func (lc *laterCleanup) created(in *dockerfile.Instruction, t string) bool {
	switch in.Keyword {
	case "COPY", "ADD":
		cs, ok := lc.copies[in]
		if !ok {
			if !negligibleCopy(lc.p, in) {
				cs = copyCreates(lc.st, in)
			}
			lc.copies[in] = cs
		}
		return createdBy(cs, t) && lc.copyHolds(in, cs[0].path, t)
	case "RUN":
		return slices.ContainsFunc(commandsCreate(lc.st, in), func(cs []created) bool { return createdBy(cs, t) })
	}
	return false
}

// copyHolds: removing t deletes something the COPY with destination dest
// brought. t at or above dest does; a path below it only if the build
// context holds it: measured when the context is on disk, else only for a
// name the file copies elsewhere (COPY client/ …) or one every checkout
// has (.git). A relative rm that hits nothing, or files a RUN wrote there
// since, are no finding.
func (lc *laterCleanup) copyHolds(in *dockerfile.Instruction, dest, t string) bool {
	if under(dest, staticPrefix(t)) {
		return true
	}
	rel := strings.TrimPrefix(t, strings.TrimSuffix(dest, "/")+"/")
	cp := lc.st.Of(in).Copy()
	if lc.p.Context != nil && len(cp.Unresolved) == 0 && len(cp.Context) == len(cp.Sources) {
		return slices.ContainsFunc(cp.Context, func(src string) bool { return lc.p.Context.Match(path.Join(src, rel)).Files > 0 })
	}
	name := strings.SplitN(rel, "/", 2)[0]
	return name == ".git" || copiedByName(lc.p.Doc, name)
}

// copiedByName: a COPY or ADD of the document has a source of that name.
func copiedByName(doc *dockerfile.Document, name string) bool {
	for _, in := range doc.Instructions {
		if (in.Keyword != "COPY" && in.Keyword != "ADD") || len(in.Args) < 2 {
			continue
		}
		for _, a := range in.Args[:len(in.Args)-1] {
			if path.Base(path.Clean("/"+a.Value)) == name {
				return true
			}
		}
	}
	return false
}

// removes reports whether one of the RUN's commands deletes files or
// removes or cleans packages: only those RUNs can clean up late.
func removes(st *dockerfile.BuildState, inst *dockerfile.Instruction) bool {
	for _, inv := range invocations(st, inst) {
		if inv.Action == pkgmgr.Remove || inv.Action == pkgmgr.Clean {
			return true
		}
	}
	for _, c := range commands(st, inst) {
		if !c.AfterOr && removesFiles(c) {
			return true
		}
	}
	return false
}

// check reports the first command of the RUN that removes what an earlier
// layer created (one finding per RUN).
func (lc *laterCleanup) check(inst *dockerfile.Instruction) {
	p, st := lc.p, lc.st
	if !removes(st, inst) {
		return
	}
	pl := &lazyPlace{st: st, in: inst}
	var installedHere []string // managers this RUN installed with so far
	cmds := commands(st, inst)
	var room [4]string
	for i, c := range cmds {
		if c.AfterOr {
			continue
		}
		inv, isInv := invocationOf(st, inst, c)
		removed := appendRemoved(room[:0], c, pl)
		switch {
		case len(removed) > 0:
			for _, t := range removed {
				if exemptRemovals[t] || lc.createdHereBefore(inst, i, t) || (!strings.ContainsAny(t, "*?[") && looksLikeManifest(t)) {
					continue
				}
				if from, ok := lc.pathCreator(inst, t); ok {
					msg := "%s deletes %s, which %s created: the files stay in that layer, so deleting them here does not make the image smaller. Delete them in the RUN that creates them (or create them in a build stage)."
					if from.Keyword != "RUN" {
						msg = "%s deletes %s, which %s copied in: the files stay in that layer, so deleting them here does not make the image smaller. Leave them out of the COPY (a narrower source, .dockerignore), or read them through RUN --mount=type=bind."
					}
					p.Report(cmdSpan(inst, c), fmt.Sprintf(msg, cmdText(c), t, lineRef(p.Doc, from)),
						[]Related{{Span: from.Span, Message: "created here"}}, nil)
					return
				}
			}
		case isInv && inv.Manager != nil && (inv.Action == pkgmgr.Remove || inv.Action == pkgmgr.Clean) && !slices.Contains(installedHere, inv.Manager.Name):
			if from, ok := lc.installCreator(inst, inv); ok {
				msg := "%s removes packages that %s installed: they stay in that layer, so the image does not get smaller. Install, use and remove them in one RUN, or build in a separate stage."
				if inv.Action == pkgmgr.Clean {
					msg = "%s cleans the cache that %s filled: it stays in that layer, so the image does not get smaller. Clean up in the RUN that installs."
				}
				p.Report(cmdSpan(inst, c), fmt.Sprintf(msg, cmdText(c), lineRef(p.Doc, from)),
					[]Related{{Span: from.Span, Message: "installed here"}}, nil)
				return
			}
		}
		if isInv && inv.Manager != nil && (inv.Action == pkgmgr.Install || inv.Action == pkgmgr.Update || inv.Action == pkgmgr.Download) {
			installedHere = append(installedHere, inv.Manager.Name)
		}
	}
}

// pathCreator finds the latest earlier instruction that created t (or
// something t's removal deletes).
func (lc *laterCleanup) pathCreator(inst *dockerfile.Instruction, t string) (from *dockerfile.Instruction, ok bool) {
	eachEarlier(lc.st, inst, func(in *dockerfile.Instruction) bool {
		if lc.created(in, t) {
			from, ok = in, true
			return false
		}
		return true
	})
	return from, ok
}

// createdHereBefore reports whether a command of the RUN before its i-th
// (one that always runs) created t.
func (lc *laterCleanup) createdHereBefore(inst *dockerfile.Instruction, i int, t string) bool {
	cmds, creates := commands(lc.st, inst), commandsCreate(lc.st, inst)
	for j := range i {
		if !cmds[j].AfterOr && createdBy(creates[j], t) {
			return true
		}
	}
	return false
}

// commandsCreate is what each of the RUN's commands creates, in the order
// of commands(st, inst), memoised on the instruction across edits: the
// RUN's own check and those of later RUNs ask on every keystroke. Besides
// the RUN's text, the answer depends on its working directory, its user,
// its scratch mounts and the variables that move package-manager caches,
// so those are the key. The answer is also kept on the state: working out
// the key costs allocations, and later RUNs ask many times.
func commandsCreate(st *dockerfile.BuildState, inst *dockerfile.Instruction) [][]created {
	return st.Derive(inst, createsStateKey{}, func() any { return createsOf(st, inst) }).([][]created)
}

// createsStateKey keeps commandsCreate on the state.
type createsStateKey struct{}

// createsOf is commandsCreate, found or computed on the instruction.
func createsOf(st *dockerfile.BuildState, inst *dockerfile.Instruction) [][]created {
	run := runOf(st, inst)
	if len(run.cmds) == 0 { // none under a non-POSIX SHELL
		return nil
	}
	pl := placeOf(st, inst)
	key := createsKey{wd: pl.wd, home: pl.user.Home, root: pl.user.Root, others: run.names}
	// Usually all empty: then nothing is built.
	if env := cacheEnv(run.kept, scopeLookup(pl.x)).String(); env != "" {
		key.others += "\x01" + env
	}
	if sc := scratch(st, inst); sc.key != "" {
		key.others += "\x02" + sc.key
	}
	// The function captures no more than it must: it is made on every
	// call, and computed only on the first with this key.
	return inst.Derive(key, func() any { return computeCreates(st, inst) }).([][]created)
}

func computeCreates(st *dockerfile.BuildState, inst *dockerfile.Instruction) [][]created {
	run, pl := runOf(st, inst), placeOf(st, inst)
	env, scratched := cacheEnv(run.kept, scopeLookup(pl.x)), scratch(st, inst).targets
	cs := make([][]created, len(run.cmds))
	for i, c := range run.cmds {
		cs[i] = commandCreates(c, pl)
		for _, inv := range run.kept {
			if sameCommand(inv.Command, c) {
				cs[i] = append(cs[i], managerCreates(inv, pl, env.lookup, scratched)...)
				break
			}
		}
	}
	return cs
}

// createsKey keys commandsCreate's memo: the working directory, the
// user's home and whether it is root, and the others: the expanded command
// names (runCommands.names), the cache variables' values (fixedEnv.String)
// and the scratch mounts' targets.
type createsKey struct {
	wd, home, others string
	root             bool
}

// fixedEnv holds the values, at one RUN, of the variables that move its
// package managers' caches: all that cacheLocations reads.
type fixedEnv []envVar

type envVar struct {
	name, value string
	set, known  bool
}

// cacheEnv looks up, with env, each variable named in the Caches of the
// invocations' managers.
func cacheEnv(invs []pkgmgr.Invocation, env envLookup) fixedEnv {
	var out fixedEnv
	for _, inv := range invs {
		if inv.Manager == nil {
			continue
		}
		for _, c := range inv.Manager.Caches {
			if c.Env != "" && !slices.ContainsFunc(out, func(e envVar) bool { return e.name == c.Env }) {
				v, set, known := env(c.Env)
				out = append(out, envVar{c.Env, v, set, known})
			}
		}
	}
	return out
}

// lookup is the envLookup of the values held; a variable not held is
// unset.
func (f fixedEnv) lookup(name string) (string, bool, bool) {
	for _, e := range f {
		if e.name == name {
			return e.value, e.set, e.known
		}
	}
	return "", false, false
}

// String is the memo key: each set variable as NAME=value (NAME? when its
// value is unknown), NUL-separated.
func (f fixedEnv) String() string {
	var b strings.Builder
	for _, e := range f {
		switch {
		case e.set && e.known:
			b.WriteString(e.name + "=" + e.value + "\x00")
		case e.set:
			b.WriteString(e.name + "?\x00")
		}
	}
	return b.String()
}

// negligibleCopy: copying manifests (requirements.txt, package.json) or,
// measured on the build context, less than 100 kB: deleting them later
// costs nothing worth a finding.
func negligibleCopy(p *Pass, in *dockerfile.Instruction) bool {
	if len(in.Args) < 2 {
		return true
	}
	cp := p.state().Of(in).Copy()
	srcs := cp.Context
	if p.Context != nil && len(srcs) > 0 && len(srcs) == len(cp.Sources) {
		return p.Context.MatchAll(srcs).Bytes < 100_000
	}
	for _, a := range in.Args[:len(in.Args)-1] {
		if !looksLikeManifest(a.Value) && !smallFile(a.Value) {
			return false
		}
	}
	return true
}

// smallFileExts are endings of files that are small as a rule: scripts,
// configuration, keys.
var smallFileExts = []string{
	".sh", ".bash", ".py", ".rb", ".pl", ".js", ".txt", ".md", ".json", ".yml", ".yaml", ".toml", ".ini", ".cfg",
	".conf", ".properties", ".env", ".xml", ".key", ".asc", ".gpg", ".pem", ".crt", ".sql", ".list", ".repo",
}

// smallFile: a single file (no glob, no directory) whose ending says it is
// small.
func smallFile(src string) bool {
	if strings.ContainsAny(src, "*?[") || strings.HasSuffix(src, "/") {
		return false
	}
	name := strings.ToLower(urlBase(src))
	if name == "" {
		name = strings.ToLower(path.Base(src))
	}
	for _, e := range smallFileExts {
		if strings.HasSuffix(name, e) {
			return true
		}
	}
	return false
}

// createdBy reports whether removing t deletes one of cs, or part of a
// tree one of them created.
func createdBy(cs []created, t string) bool {
	glob := strings.ContainsAny(trimGlobs(t), "*?[")
	base := trimGlobs(t)
	if glob {
		base = staticPrefix(t)
	}
	for _, c := range cs {
		if c.path == "" || c.path == "/" {
			continue
		}
		if glob {
			for q := c.path; q != "/" && q != "."; q = path.Dir(q) {
				if ok, _ := path.Match(t, q); ok {
					return true
				}
			}
			if c.tree && under(base, c.path) {
				return true
			}
			continue
		}
		if under(c.path, base) && strings.Count(base, "/") >= 2 || c.path == base {
			return true
		}
		if c.tree && under(base, c.path) {
			return true
		}
	}
	return false
}

// staticPrefix is the directory part of a glob before its first pattern
// segment: "/app/*.pyc" → "/app".
func staticPrefix(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.ContainsAny(s, "*?[") {
			return path.Clean("/" + strings.Join(segs[:i], "/"))
		}
	}
	return path.Clean(p)
}

// copyCreates: a COPY/ADD creates its destination (a tree).
func copyCreates(st *dockerfile.BuildState, in *dockerfile.Instruction) []created {
	pl := placeOf(st, in)
	dest := pl.x.Copy().Dest
	p, ok := pl.abs(dest.Text)
	if !dest.Known || !ok {
		return nil
	}
	return []created{{path: p, tree: true}}
}

// commandCreates lists what one shell command writes, as far as its words
// tell: downloads (curl -o, wget -O), clones, copies and extraction
// directories (package managers: see managerCreates).
func commandCreates(c shell.Command, pl place) []created {
	var out []created
	args := c.Args[1:]
	val := func(i int) string {
		if i < len(args) && !args[i].Dynamic {
			return args[i].Value
		}
		return ""
	}
	abs := func(p string) string {
		if strings.Contains(p, "$") {
			return ""
		}
		p, _ = pl.abs(p)
		return p
	}
	switch c.Name() {
	case "wget", "curl":
		return downloadTargets(c, pl)
	case "git":
		if val(0) == "clone" {
			var pos []string
			for i := 1; i < len(args); i++ {
				if v := val(i); v != "" && !strings.HasPrefix(v, "-") {
					pos = append(pos, v)
				} else if v == "-b" || v == "--branch" || v == "--depth" || v == "-c" || v == "--config" || v == "--origin" || v == "-o" {
					i++
				}
			}
			switch len(pos) {
			case 1:
				out = append(out, created{path: abs(strings.TrimSuffix(path.Base(pos[0]), ".git")), tree: true})
			case 2:
				out = append(out, created{path: abs(pos[1]), tree: true})
			}
		}
	case "cp", "mv":
		if n := len(args); n >= 2 && !strings.HasPrefix(val(n-1), "-") {
			out = append(out, created{path: abs(val(n - 1)), tree: true})
		}
	case "tar", "unzip", "bsdtar":
		for i := range args {
			switch v := val(i); {
			case v == "-C" || v == "--directory" || v == "-d" && c.Name() == "unzip":
				out = append(out, created{path: abs(val(i + 1)), tree: true})
			case strings.HasPrefix(v, "--directory="):
				out = append(out, created{path: abs(strings.TrimPrefix(v, "--directory=")), tree: true})
			}
		}
	}
	return out
}

// managerCreates lists what a package-manager invocation writes: its
// caches and lists (unless kept out of the layer: scratch are the RUN's
// cache and tmpfs mounts), node_modules, a go build's output.
func managerCreates(inv pkgmgr.Invocation, pl place, env envLookup, scratch []string) []created {
	if inv.Manager == nil {
		return nil
	}
	var out []created
	switch inv.Action {
	case pkgmgr.Install, pkgmgr.Update, pkgmgr.Download, pkgmgr.Build:
		if !inv.NoCache() {
			for _, d := range cacheDirs(inv, env, pl.user) {
				if !slices.ContainsFunc(scratch, func(t string) bool { return under(d, t) }) {
					out = append(out, created{path: d, tree: true})
				}
			}
		}
		if inv.Manager.Ecosystem == "node" && inv.Action == pkgmgr.Install && !inv.HasFlag("-g", "--global") && len(inv.Sub) > 0 && inv.Sub[0] != "global" && pl.wd != "" {
			out = append(out, created{path: path.Join(pl.wd, "node_modules"), tree: true})
		}
	}
	if o := inv.Flags["-o"]; inv.Manager.Name == "go" && inv.Action == pkgmgr.Build && o != "" && !strings.Contains(o, "$") {
		if p, ok := pl.abs(o); ok {
			out = append(out, created{path: p})
		}
	}
	return out
}

// downloadTargets are the files curl -o/-O and wget (-O, -P) write.
func downloadTargets(c shell.Command, pl place) []created {
	var out []created
	args := c.Args[1:]
	var urls []string
	output, dir, remoteName := "", "", false
	for i := 0; i < len(args); i++ {
		w := args[i]
		v := w.Value
		next := func() string {
			if i+1 < len(args) && !args[i+1].Dynamic {
				i++
				return args[i].Value
			}
			i++
			return ""
		}
		switch {
		case w.Dynamic:
			continue
		case strings.Contains(v, "://"):
			urls = append(urls, v)
		case c.Name() == "wget" && (v == "-O" || v == "--output-document"):
			output = next()
		case c.Name() == "wget" && strings.HasPrefix(v, "--output-document="):
			output = strings.TrimPrefix(v, "--output-document=")
		case c.Name() == "wget" && (v == "-P" || v == "--directory-prefix"):
			dir = next()
		case c.Name() == "wget" && strings.HasPrefix(v, "--directory-prefix="):
			dir = strings.TrimPrefix(v, "--directory-prefix=")
		case c.Name() == "curl" && (v == "-o" || v == "--output"):
			output = next()
		case c.Name() == "curl" && v == "--output-dir":
			dir = next()
		case c.Name() == "curl" && (v == "-O" || v == "--remote-name" || (strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "--") && strings.Contains(v, "O"))):
			remoteName = true
		case c.Name() == "curl" && strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "--") && strings.HasSuffix(v, "o"):
			output = next() // clustered "-sSLo file"
		case c.Name() == "wget" && strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "--") && strings.HasSuffix(v, "O-"):
			output = "-" // clustered "-qO-": to stdout
		case c.Name() == "wget" && strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "--") && strings.HasSuffix(v, "O"):
			output = next() // clustered "-qO file"
		}
	}
	if output == "-" || (c.Name() == "curl" && output == "" && !remoteName) {
		return nil // to stdout
	}
	if dir != "" {
		var ok bool
		if pl.wd, ok = pl.abs(dir); !ok {
			return nil // where it writes is unknown
		}
	}
	names := []string{output}
	if output == "" {
		names = names[:0]
		for _, u := range urls {
			names = append(names, urlBase(u))
		}
	}
	for _, name := range names {
		if p, ok := pl.abs(name); ok && !strings.Contains(name, "$") {
			out = append(out, created{path: p})
		}
	}
	return out
}

// urlBase is the file name a URL downloads to: its last path segment
// without the query.
func urlBase(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	_, p, ok := strings.Cut(rest, "/")
	if !ok || p == "" || strings.HasSuffix(p, "/") {
		return ""
	}
	return path.Base(p)
}

// installCreator finds the latest earlier RUN that installed what inv
// removes (a package in common, or any install of the manager for
// autoremove and cache cleans).
func (lc *laterCleanup) installCreator(inst *dockerfile.Instruction, inv pkgmgr.Invocation) (from *dockerfile.Instruction, ok bool) {
	want := map[string]bool{}
	for _, pkg := range inv.Packages {
		want[packageName(pkg)] = true
	}
	eachEarlier(lc.st, inst, func(in *dockerfile.Instruction) bool {
		invs := invocations(lc.st, in)
		for k, prev := range invs {
			if prev.Manager.Name != inv.Manager.Name || (prev.Action != pkgmgr.Install && !(inv.Action == pkgmgr.Clean && prev.Action == pkgmgr.Update)) {
				continue
			}
			if inv.Action == pkgmgr.Clean && cleansAfter(invs[k+1:], inv.Manager) {
				return false // that RUN emptied the cache itself: nothing is left to clean
			}
			if len(want) == 0 {
				from, ok = in, true
				return false
			}
			for _, pkg := range prev.Packages {
				if want[packageName(pkg)] {
					from, ok = in, true
					return false
				}
			}
			for _, f := range []string{"--virtual", "-t"} {
				if v := prev.Flags[f]; v != "" && want[v] {
					from, ok = in, true
					return false
				}
			}
		}
		return true
	})
	return from, ok
}

// cleansAfter: one of the invocations cleans m's cache.
func cleansAfter(rest []pkgmgr.Invocation, m *pkgmgr.Manager) bool {
	return slices.ContainsFunc(rest, func(r pkgmgr.Invocation) bool { return r.Manager == m && r.Action == pkgmgr.Clean })
}

// packageName drops versions and qualifiers: "flask==2.0" → "flask",
// "gcc=4:12.2" → "gcc", "lodash@4" → "lodash".
func packageName(pkg string) string {
	p := strings.ToLower(pkg)
	if i := strings.IndexAny(p[min(1, len(p)):], "=<>~!@[;:"); i >= 0 {
		p = p[:i+min(1, len(p))]
	}
	return strings.TrimSpace(p)
}
