// Package dockerfile is the document model: a Dockerfile's text parsed by
// BuildKit's own parser, with the exact byte range of every keyword, flag,
// argument, heredoc body, directive and comment, and the stages and variable
// scopes built from them. It knows nothing of LSP: every range is a pair of
// byte offsets into Document.Text (see package textpos for lines and columns).
package dockerfile

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// Span is a half-open range of byte offsets [Start, End) into a text.
type Span struct {
	Start, End int
}

// Contains reports whether offset lies inside s (End excluded).
func (s Span) Contains(offset int) bool { return s.Start <= offset && offset < s.End }

// Shift returns s moved by delta bytes.
func (s Span) Shift(delta int) Span { return Span{s.Start + delta, s.End + delta} }

// Document is one parsed version of a Dockerfile. It is immutable: an edit
// produces a new Document (see Apply), sharing unchanged instructions.
type Document struct {
	Text   []byte
	Lines  *textpos.Lines
	Escape rune // the active escape character, '\\' or '`'

	Directives   []Directive    // parser directives at the top (syntax, escape, check)
	Comments     []Span         // every comment line outside heredoc bodies
	Instructions []*Instruction // in file order
	Stages       []*Stage       // one per FROM, in file order
	GlobalArgs   []Var          // ARGs before the first FROM

	// Error is BuildKit's parse error, or nil. When set, Instructions holds
	// what parsed before the error, so that editing features keep working.
	Error *ParseError
	// Warnings are the parser's own warnings (empty continuation lines).
	Warnings []Warning

	stageNamesOnce sync.Once
	stageNames     map[string]*Stage // lower-case name → first stage of that name

	state    atomic.Pointer[BuildState] // the last State asked for (see state.go)
	previous atomic.Pointer[BuildState] // the one before, for other options
	prior    atomic.Pointer[priorStates]
}

// ParseError is a parse error located in the text.
type ParseError struct {
	Message string
	Span    Span
}

func (e *ParseError) Error() string { return e.Message }

// Warning is a parser warning located in the text.
type Warning struct {
	Message, URL string
	Span         Span
}

// Directive is a parser directive such as "# syntax=docker/dockerfile:1".
type Directive struct {
	Name      string // lower case: syntax, escape or check
	Value     string
	Span      Span // the whole comment line
	ValueSpan Span
}

// Instruction is one Dockerfile instruction with its continuation lines and
// heredoc bodies.
type Instruction struct {
	Keyword     string // upper case, e.g. "RUN"
	KeywordSpan Span
	Span        Span // from the keyword to the end of the last line (heredocs included)
	Line        int  // zero-based line of the keyword
	EndLine     int  // zero-based last line

	Flags    []Flag
	Args     []Word // the words after the flags, or the elements of an exec-form JSON array
	ArgsSpan Span   // the text after the flags, to the end of the command (no heredoc bodies)
	JSONForm bool   // exec form: ["executable", "arg"]
	Heredocs []Heredoc

	// Stage is the index in Document.Stages of the stage holding the
	// instruction; -1 before the first FROM.
	Stage int
	// index and stagePos are its places in Document.Instructions and in
	// its stage's Instructions (0 before the first FROM), for the build
	// state's lookups: every rule asks for each instruction.
	index, stagePos int32

	// err is BuildKit's verdict on the instruction (see Err), kept instead
	// of its AST: every open document holds its instructions.
	err  error
	memo *memo
}

// Flag is a "--name=value" (or "--name") flag of an instruction.
type Flag struct {
	Name      string // without the leading dashes
	Value     string // unquoted value; "" for a bare flag
	HasValue  bool
	Span      Span
	NameSpan  Span
	ValueSpan Span
}

// Word is one argument as it appears in the file (quotes removed from Value,
// continuation lines joined).
type Word struct {
	Value string
	Span  Span
}

// Heredoc is a here-document attached to an instruction.
type Heredoc struct {
	Name      string
	Content   string // as BuildKit sees it
	NameSpan  Span   // the delimiter in "<<EOF"
	Body      Span   // the body lines, without the terminator line
	EndSpan   Span   // the terminator line
	Chomp     bool   // <<-
	Expand    bool   // unquoted delimiter: variables expand in the body
	FileDescr uint
}

// Stage is a build stage, from its FROM to the next FROM.
type Stage struct {
	Index        int
	Name         string // as written after AS; "" when unnamed
	NameSpan     Span
	Base         string // the base image or stage name as written after FROM's flags
	BaseSpan     Span
	Platform     string // the --platform flag's value
	From         *Instruction
	Instructions []*Instruction // FROM and everything up to the next FROM
	Vars         []Var          // ARG and ENV declared in the stage, in order
	Shells       []*Instruction // the stage's SHELL instructions, in order
}

// VarKind tells ARG from ENV.
type VarKind int

const (
	ArgVar VarKind = iota
	EnvVar
)

// Var is a variable declared by ARG or ENV.
type Var struct {
	Kind     VarKind
	Name     string
	Value    string // default value as written ("" when none)
	HasValue bool
	NameSpan Span
	Inst     *Instruction
}

// InstructionAt returns the instruction whose span contains offset, or nil.
func (d *Document) InstructionAt(offset int) *Instruction {
	lo, hi := 0, len(d.Instructions)
	for lo < hi {
		m := (lo + hi) / 2
		in := d.Instructions[m]
		switch {
		case offset < in.Span.Start:
			hi = m
		case offset >= in.Span.End && !(offset == in.Span.End && m == len(d.Instructions)-1):
			lo = m + 1
		default:
			return in
		}
	}
	return nil
}

// StageByName finds a stage by its name, case-insensitively as BuildKit
// does (the first stage of that name, as BuildKit reports duplicates).
func (d *Document) StageByName(name string) *Stage {
	d.stageNamesOnce.Do(func() {
		d.stageNames = make(map[string]*Stage, len(d.Stages))
		for _, s := range d.Stages {
			key := strings.ToLower(s.Name)
			if _, dup := d.stageNames[key]; s.Name != "" && !dup {
				d.stageNames[key] = s
			}
		}
	})
	return d.stageNames[strings.ToLower(name)]
}

// FromStage is the stage a FROM line's base names, if it is a stage
// before index before; nil when the base is an image. FROM names stages
// only: "FROM 0" is an image, as in BuildKit.
func (d *Document) FromStage(base string, before int) *Stage {
	if st := d.StageByName(base); st != nil && st.Index < before {
		return st
	}
	return nil
}

// StageRef is the stage a COPY --from or RUN --mount from= refers to, if it
// is a stage before index before; nil when it is an image. As in BuildKit,
// a number is a stage index and anything else a stage name.
func (d *Document) StageRef(ref string, before int) *Stage {
	n, ok := stageIndex(ref)
	if !ok {
		return d.FromStage(ref, before)
	}
	if n < 0 || n >= min(before, len(d.Stages)) {
		return nil
	}
	return d.Stages[n]
}

// RefIsImage reports whether a COPY --from or RUN --mount from= value names
// an image rather than a stage: as in BuildKit, a number is always a stage
// index (an error when out of range), and a name is a stage's if any
// stage has it.
func (d *Document) RefIsImage(ref string) bool {
	_, index := stageIndex(ref)
	return !index && d.StageByName(ref) == nil
}

// stageIndex reads ref as a stage index, as BuildKit does (strconv.Atoi).
// A name that cannot be a number is turned away first: the rules ask on
// every keystroke, and Atoi's error is an allocation each time.
func stageIndex(ref string) (int, bool) {
	if ref == "" || !strings.ContainsRune("+-0123456789", rune(ref[0])) {
		return 0, false
	}
	n, err := strconv.Atoi(ref)
	return n, err == nil
}

// Slice returns the text of s.
func (d *Document) Slice(s Span) string { return string(d.Text[s.Start:s.End]) }

// memo holds what is derived from an instruction's own text, computed at
// most once and shared with the shifted copies an edit elsewhere makes, so
// that a keystroke does not redo it for the whole file.
type memo struct {
	mu sync.Mutex // held by writers only
	// derived: a handful of values per instruction, so a list: scanning
	// it is cheaper than hashing the key. Readers scan it without the
	// lock (the rules ask thousands of times a keystroke); a writer
	// publishes a new head, one allocation: every open document keeps
	// these.
	derived atomic.Pointer[derivedValue]
	// script is a RUN's parsed script (Script), apart: every reader of
	// RUNs asks for it, so it is one load, not a scan of derived.
	script atomic.Pointer[shell.Script]
}

// derivedValue is a node of an immutable list of derived values.
type derivedValue struct {
	key, value any
	next       *derivedValue
}

// Derive returns the value compute gives for key, computing it once per
// instruction text: shifted copies share it. compute must depend only on
// the instruction's own text and on key (a comparable value), and offsets
// in what it returns must be relative to the instruction (for example to
// ArgsSpan.Start), since the instruction may move.
func (in *Instruction) Derive(key any, compute func() any) any {
	return derive(&in.memo.derived, nil, &in.memo.mu, key, compute)
}

// derive returns the value for key in the list at p, computing it and
// publishing a new head of the list with it when missing, a node from
// node (nil: a new one). mu serialises writers; readers scan without it.
func derive(p *atomic.Pointer[derivedValue], node func() *derivedValue, mu *sync.Mutex, key any, compute func() any) any {
	if v, ok := find(p, key); ok {
		return v
	}
	v := compute()
	mu.Lock()
	defer mu.Unlock()
	if first, ok := find(p, key); ok {
		return first // computed meanwhile by another caller: keep one
	}
	var n *derivedValue
	if node != nil {
		n = node()
	} else {
		n = new(derivedValue)
	}
	*n = derivedValue{key: key, value: v, next: p.Load()}
	p.Store(n)
	return v
}

func (m *memo) find(key any) (any, bool) { return find(&m.derived, key) }

// find is the value for key in the list at p.
func find(p *atomic.Pointer[derivedValue], key any) (any, bool) {
	for d := p.Load(); d != nil; d = d.next {
		if d.key == key {
			return d.value, true
		}
	}
	return nil, false
}

// Node parses the instruction again with BuildKit's parser and returns its
// AST node (the model keeps none: they are large, and few callers need
// them). Line numbers in the node count from the instruction's first line.
func (d *Document) Node(in *Instruction) (*parser.Node, error) {
	src := d.Text[d.lineTextStart(in.Line):d.Lines.End(in.EndLine)]
	if d.Escape != parser.DefaultEscapeToken {
		src = append([]byte("# escape="+string(d.Escape)+"\n"), src...)
	}
	res, err := parseAST(src)
	if err != nil {
		return nil, fmt.Errorf("parsing the %s instruction on line %d again: %w", in.Keyword, in.Line+1, err)
	}
	if len(res.AST.Children) != 1 {
		return nil, fmt.Errorf("the %s instruction on line %d parses as %d instructions on its own", in.Keyword, in.Line+1, len(res.AST.Children))
	}
	return res.AST.Children[0], nil
}

// Command is BuildKit's typed form of the instruction (for example
// *instructions.RunCommand), or the error BuildKit gives for it, such as an
// unknown flag. ONBUILD and the like parse too. It parses on every call:
// the typed forms are large and few callers need them, so only Err is
// kept.
func (d *Document) Command(in *Instruction) (any, error) {
	n, err := d.Node(in)
	if err != nil {
		return nil, err
	}
	return parseCommand(n)
}

// parseCommand turns a node into BuildKit's typed command, recovering from
// a panic in BuildKit so that no input can take the server down.
func parseCommand(n *parser.Node) (cmd any, err error) {
	defer func() {
		if r := recover(); r != nil {
			cmd, err = nil, fmt.Errorf("internal error parsing %s: %v", strings.ToUpper(n.Value), r)
		}
	}()
	// With a linter: without one BuildKit panics on an instruction that
	// has a "# check=" comment above it.
	return instructions.ParseInstructionWithLinter(n, linter.New(&linter.Config{}))
}

// Err is the error BuildKit gives for the instruction (see Command), worked
// out when the instruction is parsed.
func (in *Instruction) Err() error { return in.err }

// Forget drops what was derived from the document's instructions (see
// Derive), here and in every version sharing them: the same answers are
// computed again on demand. A server calls it for a document nobody edits,
// which then holds only its model. Safe to call while others read d.
func (d *Document) Forget() {
	d.state.Store(nil)
	d.previous.Store(nil)
	d.prior.Store(nil)
	for _, in := range d.Instructions {
		in.memo.mu.Lock()
		in.memo.derived.Store(nil)
		in.memo.script.Store(nil)
		in.memo.mu.Unlock()
	}
}
