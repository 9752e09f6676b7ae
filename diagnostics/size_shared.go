package diagnostics

import (
	"iter"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// Helpers shared by the size rules (size_*.go).

// shippedStages are the stages whose layers end up in an image the file
// builds: the last stage, the stages a shipped stage builds FROM, and
// stages nothing refers to (other --target images). A stage only copied
// or mounted from is a build stage: its layers never ship, so its size
// does not matter.
func shippedStages(doc *dockerfile.Document) map[int]bool {
	return docIndex(doc).shipped
}

func findShippedStages(doc *dockerfile.Document) map[int]bool {
	n := len(doc.Stages)
	fromBy := make([][]int, n) // stages that start FROM stage i
	copied := make([]bool, n)  // stage i is copied or mounted from
	for _, st := range doc.Stages {
		if base := doc.FromStage(st.Base, st.Index); base != nil {
			fromBy[base.Index] = append(fromBy[base.Index], st.Index)
		}
		for _, inst := range st.Instructions {
			mark := func(ref string) {
				if dep := doc.StageRef(ref, st.Index); ref != "" && dep != nil {
					copied[dep.Index] = true
				}
			}
			for _, f := range inst.Flags {
				if f.Name == "from" {
					mark(f.Value)
				}
			}
			for _, m := range cache.Mounts(inst) {
				mark(m["from"])
			}
		}
	}
	out := map[int]bool{}
	for i := n - 1; i >= 0; i-- {
		ship := i == n-1 || (len(fromBy[i]) == 0 && !copied[i])
		for _, j := range fromBy[i] {
			ship = ship || out[j]
		}
		if ship {
			out[i] = true
		}
	}
	return out
}

// finalStages are the last stage and the stages it builds FROM: what the
// default target ships.
func finalStages(doc *dockerfile.Document) map[int]bool {
	out := map[int]bool{}
	if len(doc.Stages) == 0 {
		return out
	}
	for st := doc.Stages[len(doc.Stages)-1]; st != nil && !out[st.Index]; st = doc.FromStage(st.Base, st.Index) {
		out[st.Index] = true
	}
	return out
}

// stageChain is st and the stages it builds FROM, nearest first.
func stageChain(doc *dockerfile.Document, st *dockerfile.Stage) []*dockerfile.Stage {
	var out []*dockerfile.Stage
	for seen := map[int]bool{}; st != nil && !seen[st.Index]; st = doc.FromStage(st.Base, st.Index) {
		seen[st.Index] = true
		out = append(out, st)
	}
	return out
}

// envValue is the value of an ENV (or an ARG with a default) in force at
// inst, from its stage or the stages it builds on.
func envValue(doc *dockerfile.Document, inst *dockerfile.Instruction, name string) (string, bool) {
	if inst.Stage < 0 || inst.Stage >= len(doc.Stages) {
		return "", false
	}
	for _, st := range stageChain(doc, doc.Stages[inst.Stage]) {
		for i := len(st.Vars) - 1; i >= 0; i-- {
			v := st.Vars[i]
			if v.Name != name || v.Inst == nil || v.Inst.Span.Start >= inst.Span.Start || !v.HasValue {
				continue
			}
			return strings.Trim(v.Value, `"'`), true
		}
	}
	return "", false
}

// workdirAt is the working directory a RUN or COPY at inst runs in, as far
// as the file says ("/" when no WORKDIR is known).
func workdirAt(doc *dockerfile.Document, inst *dockerfile.Instruction) string {
	if wd, ok := docIndex(doc).workdir[inst]; ok {
		return wd
	}
	return "/"
}

// sizeIndex is what the size rules look up per instruction, computed once
// per document (linear in its length) so that no rule is quadratic.
type sizeIndex struct {
	shipped  map[int]bool // shippedStages
	workdir  map[*dockerfile.Instruction]string
	mu       sync.Mutex // guards runsWith, filled as rules ask
	runsWith map[string][]int
}

// indexMemo keeps the indexes of the last few documents: the rules of one
// analysis share them, and documents are immutable.
var indexMemo struct {
	sync.Mutex
	docs []*dockerfile.Document
	idx  []*sizeIndex
}

func docIndex(doc *dockerfile.Document) *sizeIndex {
	indexMemo.Lock()
	for i, d := range indexMemo.docs {
		if d == doc {
			x := indexMemo.idx[i]
			indexMemo.Unlock()
			return x
		}
	}
	indexMemo.Unlock()
	x := buildIndex(doc)
	indexMemo.Lock()
	defer indexMemo.Unlock()
	if len(indexMemo.docs) >= 4 {
		indexMemo.docs, indexMemo.idx = indexMemo.docs[1:], indexMemo.idx[1:]
	}
	indexMemo.docs = append(indexMemo.docs, doc)
	indexMemo.idx = append(indexMemo.idx, x)
	return x
}

func buildIndex(doc *dockerfile.Document) *sizeIndex {
	x := &sizeIndex{workdir: map[*dockerfile.Instruction]string{},
		shipped: findShippedStages(doc)}
	end := make([]string, len(doc.Stages))
	for _, st := range doc.Stages {
		wd := "/"
		if parent := doc.FromStage(st.Base, st.Index); parent != nil {
			wd = end[parent.Index]
		}
		for _, in := range st.Instructions {
			x.workdir[in] = wd
			if in.Keyword == "WORKDIR" && len(in.Args) > 0 {
				wd = resolvePath(wd, in.Args[0].Value)
			}
		}
		end[st.Index] = wd
	}
	return x
}

// maxLookback bounds how far back the rules look for the step that
// created something, so that a pathological file (thousands of rm lines)
// stays linear; real Dockerfiles are far shorter.
const maxLookback = 200

// eachEarlier calls fn on the instructions before inst in its stage and
// in the stages it builds FROM, latest first, until fn returns false (or
// maxLookback instructions were seen).
func eachEarlier(doc *dockerfile.Document, inst *dockerfile.Instruction, fn func(*dockerfile.Instruction) bool) {
	if inst.Stage < 0 || inst.Stage >= len(doc.Stages) {
		return
	}
	seen := 0
	for _, st := range stageChain(doc, doc.Stages[inst.Stage]) {
		// Instructions are in file order: start just before inst.
		i := sort.Search(len(st.Instructions), func(k int) bool { return st.Instructions[k].Span.Start >= inst.Span.Start })
		for i--; i >= 0; i-- {
			if seen++; seen > maxLookback || !fn(st.Instructions[i]) {
				return
			}
		}
	}
}

// resolvePath makes p absolute against dir; "~" is /root.
func resolvePath(dir, p string) string {
	switch {
	case p == "~" || strings.HasPrefix(p, "~/"):
		p = "/root" + strings.TrimPrefix(p, "~")
	case strings.HasPrefix(p, "$HOME"):
		p = "/root" + strings.TrimPrefix(p, "$HOME")
	case strings.HasPrefix(p, "${HOME}"):
		p = "/root" + strings.TrimPrefix(p, "${HOME}")
	}
	if !strings.HasPrefix(p, "/") {
		p = path.Join(dir, p)
	}
	return path.Clean(p)
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// cmdSpan is the file span of a shell command of inst (its offsets are
// relative to ArgsSpan.Start), or the instruction's span for commands
// without offsets (exec form).
func cmdSpan(inst *dockerfile.Instruction, c shell.Command) dockerfile.Span {
	if c.Start < 0 || c.End < c.Start {
		return inst.Span
	}
	s := dockerfile.Span{Start: inst.ArgsSpan.Start + c.Start, End: inst.ArgsSpan.Start + c.End}
	if s.Start < inst.Span.Start || s.End > inst.Span.End {
		return inst.Span
	}
	return s
}

// wordText is a shell word as written when it is dynamic.
func wordText(w shell.Word) string {
	if w.Dynamic {
		return w.Raw
	}
	return w.Value
}

// mountTarget is a mount's target directory.
func mountTarget(m map[string]string) string {
	for _, k := range []string{"target", "dst", "destination"} {
		if v := m[k]; v != "" {
			return path.Clean(v)
		}
	}
	return ""
}

// scratchMounted reports whether a cache or tmpfs mount of the RUN covers
// dir, so what is written there stays out of the layer.
func scratchMounted(inst *dockerfile.Instruction, dir string) bool {
	for _, m := range cache.Mounts(inst) {
		if m["type"] != "cache" && m["type"] != "tmpfs" {
			continue
		}
		if t := mountTarget(m); t != "" && under(dir, t) {
			return true
		}
	}
	return false
}

// envLookup gives a variable's value where a RUN runs (see envValue).
type envLookup func(name string) (string, bool)

// envAt is the envLookup of inst.
func envAt(doc *dockerfile.Document, inst *dockerfile.Instruction) envLookup {
	return func(name string) (string, bool) { return envValue(doc, inst, name) }
}

// managerCacheDirs are the directories a manager keeps its cache in for
// root, with variables that move them resolved with env: only the
// variables named in its Caches (see cacheEnv).
func managerCacheDirs(inv pkgmgr.Invocation, env envLookup) []string {
	var out []string
	for _, c := range inv.Manager.Caches {
		if c.Env != "" {
			v, ok := inlineEnv(inv, c.Env)
			if !ok {
				v, ok = env(c.Env)
			}
			if ok && strings.HasPrefix(v, "/") {
				// GEM_HOME, CARGO_HOME, COMPOSER_HOME name the home the
				// cache sits in; PIP_CACHE_DIR, GOMODCACHE the cache itself.
				base := path.Base(c.Path)
				if c.Path == "" {
					base = path.Base(c.Home)
				}
				if strings.HasSuffix(c.Env, "_HOME") && !strings.HasPrefix(base, ".") {
					v = path.Join(v, base)
				}
				out = append(out, path.Clean(v))
				continue
			}
		}
		switch {
		case c.Path != "":
			out = append(out, c.Path)
		case c.Home != "":
			out = append(out, "/root/"+c.Home)
		}
	}
	return out
}

func inlineEnv(inv pkgmgr.Invocation, name string) (string, bool) {
	for _, e := range inv.Env {
		if v, ok := strings.CutPrefix(e, name+"="); ok {
			return strings.Trim(v, `"'`), true
		}
	}
	return "", false
}

// managedKey memoises invocations per instruction text.
type managedKey struct{}

// invocations are the RUN's package-manager invocations that always run
// (not after ||), memoised on the instruction (the list it filters is the
// same for the same instruction text whenever it is not nil): that list
// itself when none is left out, as is usual, else a filtered copy.
// Callers must not modify it.
func invocations(doc *dockerfile.Document, inst *dockerfile.Instruction) []pkgmgr.Invocation {
	all := cache.Invocations(doc, inst)
	if len(all) == 0 {
		return nil
	}
	return inst.Derive(managedKey{}, func() any {
		if !slices.ContainsFunc(all, leftOut) {
			return all
		}
		var out []pkgmgr.Invocation
		for _, inv := range all {
			if !leftOut(inv) {
				out = append(out, inv)
			}
		}
		return out
	}).([]pkgmgr.Invocation)
}

// leftOut: an invocation the size rules do not count (no known manager,
// or run only when an earlier command failed).
func leftOut(inv pkgmgr.Invocation) bool { return inv.Manager == nil || inv.Command.AfterOr }

// invocationOf is the package-manager invocation of one of the RUN's
// commands, from the memoised list.
func invocationOf(doc *dockerfile.Document, inst *dockerfile.Instruction, c shell.Command) (pkgmgr.Invocation, bool) {
	for _, inv := range invocations(doc, inst) {
		if inv.Command.Start == c.Start && inv.Command.End == c.End && sameArgs(inv.Command, c) {
			return inv, true
		}
	}
	return pkgmgr.Invocation{}, false
}

// commands are the RUN's simple commands (nil for non-POSIX shells).
func commands(doc *dockerfile.Document, inst *dockerfile.Instruction) []shell.Command {
	if s := cache.Script(doc, inst); s != nil {
		return s.Commands
	}
	return nil
}

// cmdText is a command on one line for messages: "`apt-get install -y curl`".
func cmdText(c shell.Command) string {
	var words []string
	for _, w := range c.Args {
		words = append(words, wordText(w))
	}
	s := strings.Join(words, " ")
	if len(s) > 50 {
		s = s[:47] + "..."
	}
	return "`" + s + "`"
}

// lineRef names an instruction for a message: "line 4 (`RUN wget …`)".
func lineRef(doc *dockerfile.Document, inst *dockerfile.Instruction) string {
	return "line " + strconv.Itoa(inst.Line+1) + " (" + cache.OneLine(doc, inst) + ")"
}

// shippedRuns yields the RUN instructions of the stages that ship, the ones
// the size rules look at.
func shippedRuns(doc *dockerfile.Document) iter.Seq[*dockerfile.Instruction] {
	return func(yield func(*dockerfile.Instruction) bool) {
		shipped := shippedStages(doc)
		for _, st := range doc.Stages {
			if !shipped[st.Index] {
				continue
			}
			for _, inst := range st.Instructions {
				if inst.Keyword == "RUN" && !yield(inst) {
					return
				}
			}
		}
	}
}
