package diagnostics

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// The cache-mount fix, worked out by InstallWithoutCacheMount, so that a
// finding without one says why. Besides the --mount flags, it drops what
// the RUN removes inside the mount (pointless) or of the mount itself
// (removing a mount point fails: "Device or resource busy"), and the
// manager's own clean command, which would empty it; it is refused when
// the RUN removes a folder holding the mount, or when the manager's clean
// command is one the real-build proof does not cover. For apt it also
// turns docker-clean off, once per stage (see cache_mount_apt.go).

// mountPlan is the fix of one finding, or why there is none.
type mountPlan struct {
	edits   []dockerfile.Edit // in the document's text
	title   string
	refused string
}

func (p mountPlan) fix(m *pkgmgr.Manager) *FixData {
	if p.refused != "" {
		return &FixData{Kind: AddCacheMount, Refused: p.refused}
	}
	return &FixData{Kind: AddCacheMount, Args: map[string]string{"manager": m.Name, "title": p.title, "edits": encodeEdits(p.edits)}}
}

// editArg is an edit as FixData carries it (Args are strings).
type editArg struct {
	Start int    `json:"s"`
	End   int    `json:"e"`
	Text  string `json:"t,omitempty"`
}

func encodeEdits(edits []dockerfile.Edit) string {
	out := make([]editArg, len(edits))
	for i, e := range edits {
		out[i] = editArg{e.Start, e.End, e.Text}
	}
	b, _ := json.Marshal(out) // plain values: cannot fail
	return string(b)
}

// FixEdits are the edits a fix carries in its "edits" argument, as its
// rule computed them; ok is false when there are none or they do not
// decode.
func FixEdits(f *FixData) (edits []dockerfile.Edit, ok bool) {
	var in []editArg
	if f == nil || json.Unmarshal([]byte(f.Args["edits"]), &in) != nil || len(in) == 0 {
		return nil, false
	}
	for _, e := range in {
		edits = append(edits, dockerfile.Edit{Start: e.Start, End: e.End, Text: e.Text})
	}
	return edits, true
}

// plan is the fix for an install of inv's manager in inst, run by u,
// whose caches are at locs.
func (p *mountPlanner) plan(inst *dockerfile.Instruction, inv pkgmgr.Invocation, locs []cacheLoc, u dockerfile.User) mountPlan {
	st, m := p.st, inv.Manager
	if why := mountRefusal(m, locs, u); why != "" {
		return mountPlan{refused: why}
	}
	if m.Name == "apt" {
		return p.planApt(inst, m)
	}
	owner, _ := mountOwner(m, u)
	dirs, _ := knownDirs(locs)
	rm, why := mountRun(st, inst, m, mountFlags(locs, owner), dirs)
	if why != "" {
		return mountPlan{refused: why}
	}
	plan := mountPlan{edits: rm.edits, title: fmt.Sprintf("Add a cache mount for %s (%s)%s", m.Name, strings.Join(dirs, ", "), rm.droppedNote())}
	return p.withFollowers(plan, inst, m)
}

// maxMounted bounds how many RUNs one fix mounts caches on: its edits
// travel with the finding of each, so a stage of thousands would make
// them quadratic. Real Dockerfiles stay far below.
const maxMounted = 64

// withFollowers adds the same mount to the later builds of the stage and
// of those built FROM it that build from what inst downloads (dotnet
// publish after dotnet restore, go build after go mod download): with
// inst's downloads in a cache mount, not in the layer, they would
// download everything again on each build.
func (p *mountPlanner) withFollowers(plan mountPlan, inst *dockerfile.Instruction, m *pkgmgr.Manager) mountPlan {
	followers := p.followers(inst, m)
	if len(followers) > maxMounted {
		return mountPlan{refused: fmt.Sprintf("%d later RUNs build from what this one downloads, more than one fix mounts caches on (%d)", len(followers), maxMounted)}
	}
	var lines []int
	for _, f := range followers {
		r, why := p.followerMount(f.run, f.inv)
		if why != "" {
			return mountPlan{refused: fmt.Sprintf("line %d builds with %s from what this RUN downloads into the layer, and can take no cache mount (%s)", f.run.Line+1, m.Name, why)}
		}
		plan.edits = append(plan.edits, r.edits...)
		lines = append(lines, f.run.Line)
	}
	if len(lines) > 0 {
		plan.title += ", and on line " + lineList(lines) + ", which builds from it"
	}
	return plan
}

type follower struct {
	run *dockerfile.Instruction
	inv pkgmgr.Invocation
}

// followers are the later RUNs (of inst's stage, and of the stages built
// FROM it) with a build by m that downloads only what is missing, not
// under a cache mount of m's caches.
func (p *mountPlanner) followers(inst *dockerfile.Instruction, m *pkgmgr.Manager) []follower {
	st := p.st
	var out []follower
	for _, s := range st.Document().Stages {
		if s.Index != inst.Stage && !slices.ContainsFunc(stageChain(st, s), func(c *dockerfile.Stage) bool { return c.Index == inst.Stage }) {
			continue
		}
		for _, e := range s.Instructions {
			if e.Keyword != "RUN" || (s.Index == inst.Stage && e.Line <= inst.Line) || coversCatalogCache(cacheMountTargets(mounts(st, e)), m.Caches) {
				continue
			}
			k := slices.IndexFunc(invocations(st, e), func(inv pkgmgr.Invocation) bool { return inv.Manager == m && inv.Fetch == pkgmgr.FetchMissing })
			if k >= 0 {
				out = append(out, follower{e, invocations(st, e)[k]})
			}
		}
	}
	return out
}

// followerMount mounts m's caches on a follower, for the user its build
// runs as.
func (p *mountPlanner) followerMount(run *dockerfile.Instruction, inv pkgmgr.Invocation) (runMounts, string) {
	pl := placeOf(p.st, run)
	u := commandUser(inv.Command, pl.user)
	locs := mountable(cacheLocations(inv, scopeLookup(pl.x), u, runImage(p.st, run)))
	if why := mountRefusal(inv.Manager, locs, u); why != "" {
		return runMounts{}, why
	}
	if len(locs) == 0 {
		return runMounts{}, "its cache has no place known there"
	}
	owner, _ := mountOwner(inv.Manager, u)
	dirs, _ := knownDirs(locs)
	return mountRun(p.st, run, inv.Manager, mountFlags(locs, owner), dirs)
}

// mountRefusal says why no mount can be written for u: an unknown uid
// (the mount would be root's, and not writable), home or place.
func mountRefusal(m *pkgmgr.Manager, locs []cacheLoc, u dockerfile.User) string {
	_, ownerKnown := mountOwner(m, u)
	_, all := knownDirs(locs)
	switch {
	case !u.Known:
		return "the command runs as a user named through a variable, whose cache folder is unknown"
	case m.System && !u.Root:
		return fmt.Sprintf("%s runs as user %s here, not as root", m.Name, u.Name)
	case !all || u.Home == "":
		return fmt.Sprintf("the home of user %s, where its cache is, is unknown", u.Name)
	case !ownerKnown:
		return fmt.Sprintf("the uid of user %s is unknown: a cache mount needs it to be writable", u.Name)
	}
	for _, l := range locs {
		if strings.ContainsAny(l.dir, " \t,\"'=$") {
			return fmt.Sprintf("the cache folder %s would need quoting in --mount", l.dir)
		}
	}
	return ""
}

// mountFlags are the --mount flags of the locations, owned by owner
// (",uid=…,gid=…" or "").
func mountFlags(locs []cacheLoc, owner string) []string {
	var out []string
	for _, l := range locs {
		out = append(out, mountFlag(l.dir, l.cache.Sharing, owner))
	}
	return out
}

func mountFlag(dir, sharing, owner string) string {
	opts := "type=cache,target=" + dir
	if sharing != "" {
		opts += ",sharing=" + sharing
	}
	return "--mount=" + opts + owner
}

// runMounts is one RUN's part of a fix: the flags inserted and the
// removals and clean commands dropped.
type runMounts struct {
	edits   []dockerfile.Edit
	dropped []string // what was dropped, for the title
}

func (r runMounts) droppedNote() string {
	if len(r.dropped) == 0 {
		return ""
	}
	return ", and drop " + strings.Join(r.dropped, ", ") + ", which would empty it or fail on it"
}

// mountRun adds flags (mounting dirs, for manager m) to the RUN inst, and
// drops what they conflict with; it says why when that cannot be done.
func mountRun(st *dockerfile.BuildState, inst *dockerfile.Instruction, m *pkgmgr.Manager, flags, dirs []string) (runMounts, string) {
	var r runMounts
	if len(flags) > 0 {
		r.edits = append(r.edits, dockerfile.Edit{Start: inst.ArgsSpan.Start, End: inst.ArgsSpan.Start, Text: strings.Join(flags, " ") + " "})
	}
	conflicts, why := mountConflicts(st, inst, m, dirs)
	if why != "" {
		return runMounts{}, why
	}
	if len(conflicts) > 0 && len(inst.Heredocs) > 0 {
		return runMounts{}, "the RUN is a heredoc, from which the fix does not drop commands"
	}
	for _, c := range conflicts {
		r.edits = append(r.edits, c.edit)
		r.dropped = append(r.dropped, c.what)
	}
	return r, ""
}

// conflict is a part of a RUN that a cache mount makes fail or pointless,
// and the edit that drops it.
type conflict struct {
	edit dockerfile.Edit
	what string
}

// mountConflicts finds, in the RUN, the removals at, in or above the
// mounted dirs and m's commands that empty its cache.
func mountConflicts(st *dockerfile.BuildState, inst *dockerfile.Instruction, m *pkgmgr.Manager, dirs []string) ([]conflict, string) {
	cmds := commands(st, inst)
	pl := placeOf(st, inst)
	cwd := pl.wd
	var out []conflict
	for i, c := range cmds {
		if c.Name() == "cd" {
			cwd = changeDir(pl, cwd, c)
			continue
		}
		var found []conflict
		var why string
		switch {
		case c.Name() == "rm" || c.Name() == "rmdir":
			found, why = rmConflicts(st, inst, pl, cwd, cmds, i, dirs)
		case c.Name() == "find":
			found, why = findConflicts(st, inst, pl, cwd, cmds, i, dirs)
		default:
			found, why = cleanConflicts(st, inst, cmds, i, m)
		}
		if why != "" {
			return nil, why
		}
		out = append(out, found...)
	}
	return out, ""
}

// changeDir follows a `cd` of the script: the new working directory, ""
// when unknown.
func changeDir(pl place, cwd string, c shell.Command) string {
	if len(c.Args) != 2 {
		return ""
	}
	p, ok := pl.word(c.Args[1])
	switch {
	case !ok || p == "-" || p == "":
		return ""
	case p == "~" || strings.HasPrefix(p, "~/"):
		if pl.user.Home == "" {
			return ""
		}
		return path.Join(pl.user.Home, p[1:])
	case path.IsAbs(p):
		return path.Clean(p)
	case cwd != "":
		return path.Join(cwd, p)
	}
	return ""
}

// relation is how a removed path stands to a mounted dir.
type relation int

const (
	relNone   relation = iota
	relInside          // the path is the dir, or in it: removing it empties the mount
	relAbove           // the path holds the dir: removing it fails
)

// relate says how removing p (absolute; globs allowed) stands to dir.
func relate(p, dir string) relation {
	p = trimGlobs(p)
	if !strings.ContainsAny(p, "*?[") {
		switch {
		case under(p, dir):
			return relInside
		case p != "/" && under(dir, p):
			return relAbove
		}
		return relNone
	}
	if strings.HasPrefix(p, dir+"/") {
		return relInside
	}
	for a := dir; a != "/" && a != "."; a = path.Dir(a) {
		if ok, _ := path.Match(p, a); ok {
			return relAbove
		}
	}
	return relNone
}

// resolveRemoved is the absolute path an rm argument names; known is
// false when it depends on what the analysis cannot know.
func resolveRemoved(pl place, cwd string, w shell.Word) (p string, known bool) {
	v, ok := pl.word(w)
	switch {
	case !ok:
		return "", false
	case v == "~" || strings.HasPrefix(v, "~/"):
		if pl.user.Home == "" {
			return "", false
		}
		return path.Join(pl.user.Home, v[1:]), true
	case path.IsAbs(v):
		return v, true
	case cwd != "":
		return path.Join(cwd, v), true
	}
	return "", false
}

// mayHold: an rm argument the analysis cannot resolve may remove dir or a
// folder holding it. What it starts with as written bounds it: "/tmp/$X"
// is under /tmp, "build-$V" in the working directory (cwd, "" when
// unknown) and named build-…; "$X" or "~x" may be anything.
func mayHold(w shell.Word, cwd, dir string, temps map[string]bool) bool {
	raw := strings.Trim(w.Raw, `"'`)
	if m := leadingVar.FindStringSubmatch(raw); m != nil {
		rest := raw[len(m[0]):]
		if temps[m[1]+m[2]] {
			return mayHold(shell.Word{Raw: "/tmp/" + rest}, cwd, dir, nil) // a folder of mktemp
		}
		// "$X/pylib" holds dir only if dir has a folder named pylib.
		seg, _, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
		if seg, _, _ = strings.Cut(seg, "$"); strings.HasPrefix(rest, "/") && seg != "" {
			return slices.ContainsFunc(strings.Split(dir, "/"), func(part string) bool { ok, _ := path.Match(seg, part); return ok })
		}
	}
	lit, _, _ := strings.Cut(raw, "$")
	lit, _, _ = strings.Cut(lit, "`")
	switch {
	case lit == "" || strings.HasPrefix(lit, "~"):
		return true
	case path.IsAbs(lit):
		return strings.HasPrefix(dir+"/", lit)
	case cwd != "":
		return strings.HasPrefix(dir+"/", path.Join(cwd, lit)) || strings.HasSuffix(lit, "/") && strings.HasPrefix(dir+"/", path.Join(cwd, lit)+"/")
	}
	first, _, _ := strings.Cut(lit, "/")
	for _, part := range strings.Split(dir, "/") {
		if strings.HasPrefix(part, first) && part != "" {
			return true
		}
	}
	return false
}

var (
	leadingVar = regexp.MustCompile(`^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)
	mktempVar  = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)=["']?\$\(mktemp\b`)
)

// tempVars are the variables a RUN sets to a folder mktemp makes
// (GNUPGHOME="$(mktemp -d)", as the official images do): removing them
// removes something under /tmp.
func tempVars(doc *dockerfile.Document, inst *dockerfile.Instruction) map[string]bool {
	out := map[string]bool{}
	for _, m := range mktempVar.FindAllStringSubmatch(doc.Slice(inst.ArgsSpan), -1) {
		out[m[1]] = true
	}
	return out
}

// rmConflicts reads one rm or rmdir: the arguments in or at a mount are
// dropped (the whole command when nothing else is left), one above a
// mount refuses the fix, and so does one that may be above a mount.
func rmConflicts(st *dockerfile.BuildState, inst *dockerfile.Instruction, pl place, cwd string, cmds []shell.Command, i int, dirs []string) ([]conflict, string) {
	c := cmds[i]
	temps := tempVars(st.Document(), inst)
	base := inst.ArgsSpan.Start
	var drop []shell.Word
	operands := 0
	options := true
	for _, w := range c.Args[1:] {
		if options && !w.Dynamic && strings.HasPrefix(w.Value, "-") && w.Value != "-" {
			options = w.Value != "--"
			continue
		}
		operands++
		p, known := resolveRemoved(pl, cwd, w)
		for _, d := range dirs {
			switch {
			case !known && mayHold(w, cwd, d, temps):
				return nil, fmt.Sprintf("this RUN removes %s, which may be the cache mount %s or hold it", wordText(w), d)
			case !known:
			case relate(p, d) == relAbove:
				return nil, fmt.Sprintf("this RUN removes %s, which holds the cache mount %s: removing a mount point fails", wordText(w), d)
			case relate(p, d) == relInside:
				drop = append(drop, w)
			}
		}
	}
	drop = slices.CompactFunc(drop, func(a, b shell.Word) bool { return a.Start == b.Start })
	switch {
	case len(drop) == 0:
		return nil, ""
	case len(drop) == operands:
		e, ok := dropCommand(st.Document(), base, cmds, i)
		if !ok {
			return nil, fmt.Sprintf("%s empties the cache mount, and the fix cannot drop it from where it stands in this RUN", cmdText(c))
		}
		return []conflict{{e, cmdText(c)}}, ""
	}
	var out []conflict
	for _, w := range drop {
		if w.Start < 0 {
			return nil, fmt.Sprintf("%s empties the cache mount, and the fix cannot drop it from this RUN", cmdText(c))
		}
		out = append(out, conflict{dropWord(st.Document(), base+w.Start, base+w.End), "the removal of " + wordText(w)})
	}
	return out, ""
}

// findConflicts reads `find DIR … -delete` (or -exec rm): one under a
// mount is dropped; one above it refuses the fix unless it deletes only
// files (-type f) or names that are not the mount's.
func findConflicts(st *dockerfile.BuildState, inst *dockerfile.Instruction, pl place, cwd string, cmds []shell.Command, i int, dirs []string) ([]conflict, string) {
	c := cmds[i]
	removed := removedPaths(c, placed(pl))
	if len(removed) == 0 || len(c.Args) < 2 {
		return nil, ""
	}
	root, known := resolveRemoved(pl, cwd, c.Args[1])
	if !known {
		return nil, fmt.Sprintf("this RUN deletes files under %s, which may hold the cache mount", wordText(c.Args[1]))
	}
	for _, d := range dirs {
		switch {
		case under(root, d):
			e, ok := dropCommand(st.Document(), inst.ArgsSpan.Start, cmds, i)
			if !ok {
				return nil, fmt.Sprintf("%s empties the cache mount, and the fix cannot drop it from where it stands in this RUN", cmdText(c))
			}
			return []conflict{{e, cmdText(c)}}, ""
		case under(d, root) && !findSpares(c, root, d):
			return nil, fmt.Sprintf("%s may delete the cache mount %s: removing a mount point fails", cmdText(c), d)
		}
	}
	return nil, ""
}

// findSpares: a find from root deletes only files, or only names that
// none of the folders from root down to dir has.
func findSpares(c shell.Command, root, dir string) bool {
	var names []string
	for k, w := range c.Args {
		if k+1 >= len(c.Args) || c.Args[k+1].Dynamic {
			continue
		}
		switch w.Value {
		case "-type":
			if c.Args[k+1].Value == "f" {
				return true
			}
		case "-name", "-iname":
			names = append(names, c.Args[k+1].Value)
		}
	}
	if len(names) == 0 {
		return false
	}
	for a := dir; a != root && a != "/"; a = path.Dir(a) {
		for _, n := range names {
			if ok, _ := path.Match(n, path.Base(a)); ok {
				return false
			}
		}
	}
	return true
}

// cleanConflicts: m's own command that empties its cache (apt-get clean,
// npm cache clean) is dropped for the managers the real-build proof
// covers; for the others the fix is refused.
func cleanConflicts(st *dockerfile.BuildState, inst *dockerfile.Instruction, cmds []shell.Command, i int, m *pkgmgr.Manager) ([]conflict, string) {
	c := cmds[i]
	inv, ok := pkgmgr.Classify(c)
	if !ok || inv.Manager != m || inv.Action != pkgmgr.Clean || !inv.EmptiesCache {
		return nil, ""
	}
	if !m.RealBuild {
		return nil, fmt.Sprintf("this RUN empties %s's cache (%s); a fix that drops that is proven on real builds for %s only", m.Name, cmdText(c), realBuildManagers())
	}
	e, ok := dropCommand(st.Document(), inst.ArgsSpan.Start, cmds, i)
	if !ok {
		return nil, fmt.Sprintf("%s empties the cache mount, and the fix cannot drop it from where it stands in this RUN", cmdText(c))
	}
	return []conflict{{e, cmdText(c)}}, ""
}

// realBuildManagers names the managers the real-build proof covers.
func realBuildManagers() string {
	var names []string
	for _, m := range pkgmgr.Catalog() {
		if m.RealBuild {
			names = append(names, m.Name)
		}
	}
	return strings.Join(names, ", ")
}

// dropCommand is the edit removing command i of a RUN's script with its
// "&&" or ";" joint (offsets relative to base); ok is false when it is not
// a plain step of the top-level list (inside sh -c, a subshell or a loop,
// after ||, piped, or with a redirection the edit would leave behind):
// the text between it and its neighbours must be a joint alone.
func dropCommand(doc *dockerfile.Document, base int, cmds []shell.Command, i int) (dockerfile.Edit, bool) {
	c := cmds[i]
	if c.Sub || c.AfterOr || c.Start < 0 || c.Op == "|" || c.Op == "&" {
		return dockerfile.Edit{}, false
	}
	prevEnd := -1 // where the command before c ends, with those nested in it
	for _, p := range cmds[:i] {
		prevEnd = max(prevEnd, p.End)
	}
	if prevEnd > c.Start {
		// c sits inside an earlier command's words (an unclosed quote or
		// a $[ ] the parser read on): there is no gap to cut it out by.
		return dockerfile.Edit{}, false
	}
	next := i + 1
	for next < len(cmds) && cmds[next].Start < c.End {
		next++ // commands nested in c's words ($(...))
	}
	gap := func(from, to int) string { return doc.Slice(dockerfile.Span{Start: base + from, End: base + to}) }
	jointBefore := prevEnd >= 0 && (c.Op == "&&" || c.Op == ";") && jointOnly(gap(prevEnd, c.Start), doc.Escape)
	switch {
	case next < len(cmds):
		if cmds[next].Op == "|" || !jointOnly(gap(c.End, cmds[next].Start), doc.Escape) {
			return dockerfile.Edit{}, false
		}
		if jointBefore || prevEnd < 0 {
			return dockerfile.Edit{Start: base + c.Start, End: base + cmds[next].Start}, true
		}
	case jointBefore && blankAfter(doc, base+c.End):
		return dockerfile.Edit{Start: base + prevEnd, End: base + c.End}, true
	}
	return dockerfile.Edit{}, false
}

// blankAfter: nothing but blanks and line continuations follows offset on
// the instruction's text, up to its end.
func blankAfter(doc *dockerfile.Document, offset int) bool {
	in := doc.InstructionAt(offset - 1)
	if in == nil || offset > in.ArgsSpan.End {
		return false
	}
	rest := strings.ReplaceAll(doc.Slice(dockerfile.Span{Start: offset, End: in.ArgsSpan.End}), string(doc.Escape)+"\n", "")
	return strings.TrimSpace(rest) == ""
}

// jointOnly: s holds only blanks, line continuations (escape, then a
// line end) and one "&&" or ";".
func jointOnly(s string, escape rune) bool {
	e := string(escape)
	s = strings.NewReplacer(e+"\r\n", " ", e+"\n", " ").Replace(s)
	s = strings.TrimSpace(s)
	return s == "&&" || s == ";"
}

// dropWord deletes the word [start, end) (file offsets) with the blanks
// before it.
func dropWord(doc *dockerfile.Document, start, end int) dockerfile.Edit {
	for start > 0 && (doc.Text[start-1] == ' ' || doc.Text[start-1] == '\t') {
		start--
	}
	return dockerfile.Edit{Start: start, End: end}
}

// lineList writes 1-based line numbers: "5", "5 and 9", "5, 9 and 14".
func lineList(lines []int) string {
	var s []string
	for _, l := range lines {
		s = append(s, strconv.Itoa(l+1))
	}
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
