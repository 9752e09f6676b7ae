package diagnostics

import (
	"iter"
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
			if inst.Keyword == "RUN" {
				for _, m := range inst.WrittenMounts() {
					mark(m.From.Name)
				}
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

// sizeIndex is what the size rules look up per document, computed once
// per document (linear in its length) so that no rule is quadratic.
type sizeIndex struct {
	shipped  map[int]bool // shippedStages
	mu       sync.Mutex   // guards runsWith, filled as rules ask
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
	x := &sizeIndex{shipped: findShippedStages(doc)}
	indexMemo.Lock()
	defer indexMemo.Unlock()
	if len(indexMemo.docs) >= 4 {
		indexMemo.docs, indexMemo.idx = indexMemo.docs[1:], indexMemo.idx[1:]
	}
	indexMemo.docs = append(indexMemo.docs, doc)
	indexMemo.idx = append(indexMemo.idx, x)
	return x
}

// maxLookback bounds how far back the rules look for the step that
// created something, so that a pathological file (thousands of rm lines)
// stays linear; real Dockerfiles are far shorter.
const maxLookback = 200

// eachEarlier calls fn on the instructions before inst in its stage and
// in the stages it builds FROM, latest first, until fn returns false (or
// maxLookback instructions were seen).
func eachEarlier(bs *dockerfile.BuildState, inst *dockerfile.Instruction, fn func(*dockerfile.Instruction) bool) {
	doc := bs.Document()
	if inst.Stage < 0 || inst.Stage >= len(doc.Stages) {
		return
	}
	seen := 0
	for _, st := range stageChain(bs, doc.Stages[inst.Stage]) {
		// Instructions are in file order: start just before inst.
		i := sort.Search(len(st.Instructions), func(k int) bool { return st.Instructions[k].Span.Start >= inst.Span.Start })
		for i--; i >= 0; i-- {
			if seen++; seen > maxLookback || !fn(st.Instructions[i]) {
				return
			}
		}
	}
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

// scratchMounted reports whether a cache or tmpfs mount of the RUN covers
// dir, so what is written there stays out of the layer.
func scratchMounted(st *dockerfile.BuildState, inst *dockerfile.Instruction, dir string) bool {
	for _, t := range scratch(st, inst).targets {
		if under(dir, t) {
			return true
		}
	}
	return false
}

// invocationOf is the package-manager invocation of one of the RUN's
// commands, from the memoised list.
func invocationOf(st *dockerfile.BuildState, inst *dockerfile.Instruction, c shell.Command) (pkgmgr.Invocation, bool) {
	for _, inv := range invocations(st, inst) {
		if sameCommand(inv.Command, c) {
			return inv, true
		}
	}
	return pkgmgr.Invocation{}, false
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
