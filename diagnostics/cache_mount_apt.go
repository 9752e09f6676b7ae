package diagnostics

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

// apt's cache mounts. Debian and Ubuntu images delete the downloaded
// packages after every install (/etc/apt/apt.conf.d/docker-clean), so a
// mount on /var/cache/apt keeps nothing until that hook is off. Turning it
// off changes every later apt RUN of the stage, and of the stages built
// FROM it: one without a mount would keep its packages in its layer. So
// the fix turns it off once, before the first apt install of the stage
// chain, and mounts the cache on every apt install from there on, or is
// not offered.
//
// The lists (/var/lib/apt/lists) are mounted only on a RUN that updates
// them before each install and removes them at its end: a cache mount is
// not exported with the layer cache, so a later RUN installing from lists
// an earlier RUN left would, on a fresh CI builder importing that cache,
// find none ("Unable to locate package"). The mount is on the lists, not
// /var/lib/apt, whose extended_states (which packages were installed by
// hand) belongs in the image.

// aptKeepCache turns docker-clean off.
const aptKeepCache = `rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache`

const aptArchives, aptLists = "/var/cache/apt", "/var/lib/apt/lists"

// mountPlanner works out the fixes of one run of the rule, remembering
// per stage what apt's fix needs: it covers every apt install of a stage,
// so worked out per finding it would make the rule quadratic.
type mountPlanner struct {
	st       *dockerfile.BuildState
	mentions map[int]int // by stage: the line of its first mention of docker-clean, -1 for none
	scopes   map[int]aptScopeOf
	plans    map[*dockerfile.Instruction]mountPlan // apt's, by the first install of the scope
	runs     map[*dockerfile.Instruction]aptRunOf
}

type aptScopeOf struct {
	first *dockerfile.Instruction
	scope []*dockerfile.Instruction
}

type aptRunOf struct {
	r   runMounts
	why string
}

func newMountPlanner(st *dockerfile.BuildState) *mountPlanner {
	return &mountPlanner{st: st, mentions: map[int]int{}, scopes: map[int]aptScopeOf{},
		plans: map[*dockerfile.Instruction]mountPlan{}, runs: map[*dockerfile.Instruction]aptRunOf{}}
}

// aptKeepsDownloads: the RUN or an earlier instruction of its stage chain
// already deals with docker-clean.
func (p *mountPlanner) aptKeepsDownloads(in *dockerfile.Instruction) bool {
	for _, s := range stageChain(p.st, p.st.Document().Stages[in.Stage]) {
		line := p.mention(s)
		if line >= 0 && (s.Index != in.Stage || line <= in.Line) {
			return true
		}
	}
	return false
}

func (p *mountPlanner) mention(s *dockerfile.Stage) int {
	if line, ok := p.mentions[s.Index]; ok {
		return line
	}
	doc := p.st.Document()
	line := -1
	for _, e := range s.Instructions {
		if t := doc.Slice(e.Span); strings.Contains(t, "docker-clean") || strings.Contains(t, "Keep-Downloaded-Packages") {
			line = e.Line
			break
		}
	}
	p.mentions[s.Index] = line
	return line
}

// planApt is the apt fix for the RUN inst.
func (p *mountPlanner) planApt(inst *dockerfile.Instruction, m *pkgmgr.Manager) mountPlan {
	if p.aptKeepsDownloads(inst) {
		r := p.aptRun(inst, m)
		if r.why != "" {
			return mountPlan{refused: r.why}
		}
		return mountPlan{edits: r.r.edits, title: fmt.Sprintf("Add a cache mount for apt (%s)%s", strings.Join(aptDirs(p.st, inst), ", "), r.r.droppedNote())}
	}
	sc := p.aptScope(inst)
	plan, ok := p.plans[sc.first]
	if !ok {
		plan = p.planStage(sc, m)
		p.plans[sc.first] = plan
	}
	return plan
}

// planStage turns docker-clean off before the scope's first install and
// mounts apt's caches on all of its installs.
func (p *mountPlanner) planStage(sc aptScopeOf, m *pkgmgr.Manager) mountPlan {
	if why := setupRefusal(p.st, sc.first); why != "" {
		return mountPlan{refused: why}
	}
	if len(sc.scope) > maxMounted {
		return mountPlan{refused: fmt.Sprintf("turning docker-clean off would need cache mounts on %d apt installs, more than one fix mounts caches on (%d)", len(sc.scope), maxMounted)}
	}
	var plan mountPlan
	var lines []int
	for _, run := range sc.scope {
		r := p.aptRun(run, m)
		if r.why != "" {
			return mountPlan{refused: fmt.Sprintf("line %d installs with apt and can take no cache mount (%s); once docker-clean is off its packages would stay in its layer", run.Line+1, r.why)}
		}
		if len(r.r.edits) > 0 {
			plan.edits = append(plan.edits, r.r.edits...)
			lines = append(lines, run.Line)
		}
	}
	plan.edits = append(plan.edits, setupEdit(p.st.Document(), sc.first))
	plan.title = aptTitle(p.st, sc.first, lines)
	return plan
}

// aptTitle names what the stage-wide fix does, and the stages built FROM
// the one whose docker-clean it turns off.
func aptTitle(st *dockerfile.BuildState, first *dockerfile.Instruction, lines []int) string {
	title := fmt.Sprintf("Add apt cache mounts on line %s and turn docker-clean off before line %d (the image keeps it off)", lineList(lines), first.Line+1)
	if kids := childStages(st, first.Stage); len(kids) > 0 {
		title += ", also for " + strings.Join(kids, ", ") + ", built FROM this stage"
	}
	return title
}

// aptRun mounts apt's caches on one RUN (what it mounts already is left
// alone), as root.
func (p *mountPlanner) aptRun(run *dockerfile.Instruction, m *pkgmgr.Manager) aptRunOf {
	r, ok := p.runs[run]
	if !ok {
		r.r, r.why = aptRun(p.st, run, m)
		p.runs[run] = r
	}
	return r
}

func aptRun(st *dockerfile.BuildState, run *dockerfile.Instruction, m *pkgmgr.Manager) (runMounts, string) {
	u := placeOf(st, run).user
	for _, inv := range allInvocations(st, run) {
		if cu := commandUser(inv.Command, u); inv.Manager == m && !cu.Root {
			return runMounts{}, fmt.Sprintf("apt runs as user %s there, not as root", cu.Name)
		}
	}
	dirs := aptDirs(st, run)
	targets := cacheMountTargets(mounts(st, run))
	var flags []string
	for _, d := range dirs {
		if !slices.ContainsFunc(targets, func(t string) bool { return covers(t, d) }) {
			flags = append(flags, mountFlag(d, "locked", ""))
		}
	}
	return mountRun(st, run, m, flags, dirs)
}

// aptDirs are what a RUN's apt cache mounts hold: the downloaded
// packages, and the lists when the RUN updates them before each install
// and removes them itself.
func aptDirs(st *dockerfile.BuildState, run *dockerfile.Instruction) []string {
	if listsOwn(st, run) {
		return []string{aptArchives, aptLists}
	}
	return []string{aptArchives}
}

// listsOwn: every apt install of the RUN comes after an apt update of the
// RUN, and a later command of the RUN removes the lists.
func listsOwn(st *dockerfile.BuildState, run *dockerfile.Instruction) bool {
	var last pkgmgr.Invocation
	updated := false
	for _, inv := range allInvocations(st, run) {
		if inv.Manager.Name != "apt" {
			continue
		}
		switch {
		case inv.Action == pkgmgr.Update:
			updated, last = true, inv
		case inv.Fetch != pkgmgr.FetchNone && !updated:
			return false
		}
	}
	if !updated {
		return false
	}
	pl := &lazyPlace{st: st, in: run}
	for c := range commandsAfter(st, run, last.Command) {
		if removesAny(c, pl, []string{aptLists}) {
			return true
		}
	}
	return false
}

// aptScope is the first apt install of the stage chain of inst, where
// docker-clean goes off, and every apt install from there on: in its
// stage, and in the stages built FROM it.
func (p *mountPlanner) aptScope(inst *dockerfile.Instruction) aptScopeOf {
	sc, ok := p.scopes[inst.Stage]
	if !ok {
		sc.first, sc.scope = aptScope(p.st, inst)
		p.scopes[inst.Stage] = sc
	}
	return sc
}

func aptScope(st *dockerfile.BuildState, inst *dockerfile.Instruction) (*dockerfile.Instruction, []*dockerfile.Instruction) {
	doc := st.Document()
	chain := stageChain(st, doc.Stages[inst.Stage])
	first := inst
	for i := len(chain) - 1; i >= 0; i-- {
		if k := slices.IndexFunc(chain[i].Instructions, func(e *dockerfile.Instruction) bool { return aptInstalls(st, e) }); k >= 0 {
			first = chain[i].Instructions[k]
			break
		}
	}
	var scope []*dockerfile.Instruction
	for _, s := range doc.Stages {
		if s.Index != first.Stage && !slices.ContainsFunc(stageChain(st, s), func(p *dockerfile.Stage) bool { return p.Index == first.Stage }) {
			continue
		}
		for _, e := range s.Instructions {
			if (s.Index != first.Stage || e.Line >= first.Line) && aptInstalls(st, e) {
				scope = append(scope, e)
			}
		}
	}
	return first, scope
}

// aptInstalls: a RUN that downloads packages with apt.
func aptInstalls(st *dockerfile.BuildState, e *dockerfile.Instruction) bool {
	return e.Keyword == "RUN" && slices.ContainsFunc(allInvocations(st, e), func(inv pkgmgr.Invocation) bool {
		return inv.Manager.Name == "apt" && inv.Fetch != pkgmgr.FetchNone
	})
}

// setupRefusal says why docker-clean cannot be turned off before first.
func setupRefusal(st *dockerfile.BuildState, first *dockerfile.Instruction) string {
	u := st.Of(first).User()
	switch {
	case !u.Root:
		return fmt.Sprintf("docker-clean would be turned off before line %d, where the stage runs as user %s, not root", first.Line+1, u.Name)
	case st.Document().Script(first) == nil || first.JSONForm && len(commands(st, first)) == 0:
		return fmt.Sprintf("the stage's SHELL at line %d is not a POSIX shell, for the RUN that turns docker-clean off", first.Line+1)
	}
	return ""
}

// setupEdit inserts the RUN that turns docker-clean off above first and
// the comments directly above it, written in first's keyword casing.
func setupEdit(doc *dockerfile.Document, first *dockerfile.Instruction) dockerfile.Edit {
	at := doc.BlockStart(first)
	indent := doc.Slice(dockerfile.Span{Start: doc.Lines.Start(first.Line), End: first.KeywordSpan.Start})
	return dockerfile.Edit{Start: at, End: at, Text: indent + doc.Slice(first.KeywordSpan) + " " + aptKeepCache + doc.LineEnding(first.Line)}
}

// childStages names the stages built FROM stage i, directly or not.
func childStages(st *dockerfile.BuildState, i int) []string {
	var out []string
	for _, s := range st.Document().Stages {
		if s.Index != i && slices.ContainsFunc(stageChain(st, s), func(p *dockerfile.Stage) bool { return p.Index == i }) {
			name := s.Name
			if name == "" {
				name = fmt.Sprintf("stage %d", s.Index)
			}
			out = append(out, name)
		}
	}
	return out
}
