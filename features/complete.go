package features

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// ItemKind says what a completion item is.
type ItemKind int

// Kinds of completion items.
const (
	KindKeyword ItemKind = iota
	KindFlag
	KindValue
	KindStage
	KindVariable
	KindDirective
	KindSnippet
)

// CompletionItem is one proposal. Insert replaces the text of Replace
// (which always ends at the cursor and lies on its line).
type CompletionItem struct {
	Label      string
	Kind       ItemKind
	Detail     string
	Doc        string // Markdown
	Insert     string
	Snippet    bool // Insert is an LSP snippet ($1, ${1:x})
	Replace    Span
	Deprecated bool
	Sort       string // sort key, in the order proposals are made
	Filter     string // text the client filters on, when not Label
}

// CompletionOptions are what the client can do.
type CompletionOptions struct {
	Snippets bool // the client supports snippets
}

// CompleteFor returns the proposals at offset in st's document; variables
// come with their values as st resolves them.
func CompleteFor(st *dockerfile.BuildState, offset int, opts CompletionOptions) []CompletionItem {
	doc := st.Document()
	offset = max(0, min(offset, len(doc.Text)))
	c := &completer{st: st, doc: doc, offset: offset, opts: opts}
	c.run()
	for i := range c.items {
		c.items[i].Sort = fmt.Sprintf("%04d", i)
	}
	return c.items
}

type completer struct {
	st     *dockerfile.BuildState
	doc    *dockerfile.Document
	offset int
	opts   CompletionOptions
	items  []CompletionItem
}

func (c *completer) add(it CompletionItem) { c.items = append(c.items, it) }

func (c *completer) run() {
	doc, offset := c.doc, c.offset
	line := doc.Lines.LineOf(offset)
	ls := doc.Lines.Start(line)
	if line == 0 {
		ls += bomLen(doc.Text)
	}
	before := doc.Text[min(ls, offset):offset]
	trimmed := strings.TrimLeft(string(before), " \t")

	in := instructionOnLine(doc, line)
	if in != nil && bodyStart(in) >= 0 && ls >= bodyStart(in) {
		c.heredocVars(in)
		return
	}
	directiveLine := c.directiveRegion(line)
	if strings.HasPrefix(trimmed, "#") {
		if directiveLine {
			c.directive(string(before))
		}
		return
	}
	cw := cursorWords(doc, offset, in)
	ws, cur, curStart := cw.words, cw.cur, cw.curStart
	if c.variables(cur, curStart) {
		return
	}
	if len(ws) == 0 {
		c.keywords(curStart, line, directiveLine && cw.startLine == line)
		return
	}
	keyword := strings.ToUpper(ws[0].Value)
	args := ws[1:]
	if keyword == "ONBUILD" {
		if len(args) == 0 {
			c.keywords(curStart, line, false)
			return
		}
		keyword, args = strings.ToUpper(args[0].Value), args[1:]
	}
	var flags []string
	pos := 0
	for _, a := range args {
		if pos == 0 && strings.HasPrefix(a.Value, "--") {
			name, _, _ := strings.Cut(a.Value[2:], "=")
			flags = append(flags, strings.ToLower(name))
			continue
		}
		pos++
	}
	if pos == 0 && strings.HasPrefix(cur, "-") {
		if name, value, ok := strings.Cut(strings.TrimLeft(cur, "-"), "="); ok {
			c.flagValue(keyword, strings.ToLower(name), value, offset-len(value))
		} else {
			c.flagNames(keyword, flags, curStart)
		}
		return
	}
	c.positional(keyword, pos, flags, cur, curStart, in)
}

// cursorText is the logical instruction around a cursor: its words before
// the cursor, and the word being typed.
type cursorText struct {
	startLine int
	words     []dockerfile.Token // complete words before the cursor, split as the model splits them
	cur       string             // the word the cursor ends (as written), "" after a blank
	curStart  int                // file offset where cur starts (on the cursor's line)
}

// cursorWords reads the instruction the cursor is in, up to the cursor; in
// is the instruction covering the cursor's line, if the parse has one.
func cursorWords(doc *dockerfile.Document, offset int, in *dockerfile.Instruction) cursorText {
	line := doc.Lines.LineOf(offset)
	ls := doc.Lines.Start(line)
	startLine := line
	if in != nil {
		startLine = in.Line
	} else {
		for startLine > 0 {
			prev := doc.Text[doc.Lines.Start(startLine-1):doc.Lines.End(startLine-1)]
			if dockerfile.SkippedLine(prev) {
				break
			}
			if _, more := dockerfile.Continuation(prev, byte(doc.Escape)); !more {
				break
			}
			startLine--
		}
	}
	from := doc.Lines.Start(startLine)
	if startLine == 0 {
		from += bomLen(doc.Text)
	}
	for from < offset && isBlank(doc.Text[from]) {
		from++
	}
	l := dockerfile.JoinLines(doc, startLine, from, offset)
	ws := l.Words(byte(doc.Escape))
	ct := cursorText{startLine: startLine, curStart: offset}
	if n := len(ws); n > 0 && ws[n-1].End == len(l.Text) && l.End == offset {
		ct.cur, ct.curStart = string(l.Text[ws[n-1].Start:ws[n-1].End]), l.Offset(ws[n-1].Start)
		ws = ws[:n-1]
	}
	if ls > ct.curStart {
		ct.curStart = ls // never replace across lines
		ct.cur = string(doc.Text[ls:offset])
	}
	ct.words = ws
	return ct
}

func bomLen(text []byte) int {
	if len(text) >= 3 && text[0] == 0xef && text[1] == 0xbb && text[2] == 0xbf {
		return 3
	}
	return 0
}

// directiveRegion reports whether a parser directive may stand on line:
// only directives come before it.
func (c *completer) directiveRegion(line int) bool {
	return line <= len(c.doc.Directives) && (len(c.doc.Instructions) == 0 || c.doc.Instructions[0].Line > line)
}

func (c *completer) span(start int) Span { return Span{Start: start, End: c.offset} }

// keywords proposes the instructions allowed at a line.
func (c *completer) keywords(start, line int, directives bool) {
	afterFrom := len(c.doc.Stages) > 0 && c.doc.Stages[0].From.Line < line
	onbuild := false
	if in := instructionOnLine(c.doc, line); in != nil && in.Keyword == "ONBUILD" && in.KeywordSpan.End <= start {
		onbuild = true
	}
	for i := range data.Instructions {
		d := &data.Instructions[i]
		if !afterFrom && !onbuild && d.Name != "FROM" && d.Name != "ARG" {
			continue
		}
		if onbuild && (d.Name == "ONBUILD" || d.Name == "FROM" || d.Name == "MAINTAINER") {
			continue
		}
		it := CompletionItem{Label: d.Name, Kind: KindKeyword, Detail: firstSignature(d), Doc: instructionDoc(d),
			Insert: d.Name + " ", Replace: c.span(start), Deprecated: d.Deprecated}
		if c.opts.Snippets {
			it.Insert, it.Snippet = d.Snippet, true
		}
		c.add(it)
		if c.opts.Snippets {
			for _, x := range d.ExtraSnippets {
				c.add(CompletionItem{Label: x.Label, Kind: KindSnippet, Detail: x.Snippet, Doc: instructionDoc(d),
					Insert: x.Snippet, Snippet: true, Replace: c.span(start), Filter: d.Name})
			}
		}
	}
	if directives {
		have := map[string]bool{}
		for _, d := range c.doc.Directives {
			have[d.Name] = true
		}
		for _, d := range data.Directives {
			if have[d.Name] {
				continue
			}
			c.add(CompletionItem{Label: "# " + d.Name + "=", Kind: KindDirective, Detail: "parser directive",
				Doc: d.Doc + "\n\n" + data.docsURL(d.Anchor), Insert: "# " + d.Name + "=", Replace: c.span(start)})
		}
	}
}

func firstSignature(d *instructionData) string {
	if len(d.Signatures) == 0 {
		return d.Name
	}
	return d.Signatures[0].Label
}

func instructionDoc(d *instructionData) string {
	var b strings.Builder
	b.WriteString("```dockerfile\n")
	for _, s := range d.Signatures {
		b.WriteString(s.Label + "\n")
	}
	b.WriteString("```\n\n" + d.Summary + "\n\n[Dockerfile reference](" + data.docsURL(d.Anchor) + ")")
	return b.String()
}

// directive completes a comment line at the top: a directive name, or its
// value.
func (c *completer) directive(before string) {
	body := strings.TrimLeft(before, " \t")
	body = strings.TrimLeft(body[1:], " \t")
	nameStart := c.offset - len(body)
	name, value, hasEq := strings.Cut(body, "=")
	if !hasEq {
		have := map[string]bool{}
		for _, d := range c.doc.Directives {
			have[d.Name] = true
		}
		for _, d := range data.Directives {
			if have[d.Name] {
				continue
			}
			c.add(CompletionItem{Label: d.Name + "=", Kind: KindDirective, Detail: "parser directive",
				Doc: d.Doc + "\n\n" + data.docsURL(d.Anchor), Insert: d.Name + "=", Replace: c.span(nameStart)})
		}
		return
	}
	d := data.directive[strings.ToLower(strings.TrimSpace(name))]
	if d == nil {
		return
	}
	if d.Name == "check" {
		// check=skip=Rule1,Rule2;error=true
		opt := value[strings.LastIndex(value, ";")+1:]
		optStart := c.offset - len(opt)
		if k, v, ok := strings.Cut(opt, "="); ok && (k == "skip" || k == "experimental") {
			part := v[strings.LastIndex(v, ",")+1:]
			for _, r := range data.CheckRules {
				c.add(CompletionItem{Label: r, Kind: KindValue, Detail: "build check",
					Doc: "https://docs.docker.com/reference/build-checks/", Insert: r, Replace: c.span(c.offset - len(part))})
			}
			if !strings.Contains(v, ",") {
				c.add(CompletionItem{Label: "all", Kind: KindValue, Insert: "all", Replace: c.span(c.offset - len(part))})
			}
			return
		}
		for _, v := range d.Values {
			c.add(CompletionItem{Label: v, Kind: KindValue, Insert: v, Replace: c.span(optStart)})
		}
		return
	}
	for _, v := range d.Values {
		c.add(CompletionItem{Label: v, Kind: KindValue, Detail: d.Name, Insert: v, Replace: c.span(c.offset - len(value))})
	}
}

// variables proposes variable names when the word being typed ends in $,
// ${ or $NAME; it reports whether it did.
func (c *completer) variables(cur string, curStart int) bool {
	i := strings.LastIndexByte(cur, '$')
	if i < 0 {
		return false
	}
	if i > 0 && cur[i-1] == byte(c.doc.Escape) {
		return false
	}
	rest := cur[i+1:]
	braced := strings.HasPrefix(rest, "{")
	if braced {
		rest = rest[1:]
	}
	for j := 0; j < len(rest); j++ {
		if !dockerfile.IsNameByte(rest[j], j == 0) {
			return false
		}
	}
	if inSingleQuotes(cur[:i], byte(c.doc.Escape)) {
		return true // no expansion there: nothing to propose
	}
	closeBrace := braced && !strings.HasPrefix(string(c.doc.Text[c.offset:]), "}")
	c.scopeVars(c.offset-len(rest), closeBrace)
	return true
}

func inSingleQuotes(s string, escape byte) bool {
	var q byte
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == escape && q != '\'':
			i++
		case q == 0 && (ch == '"' || ch == '\''):
			q = ch
		case ch == q:
			q = 0
		}
	}
	return q == '\''
}

// scopeVars adds the variables visible at the cursor: those declared
// first, then BuildKit's automatic platform ARGs (in a stage, those not
// declared there, which are empty until they are). The proxy ARGs BuildKit
// predefines are not proposed: the client sets them, if anyone.
func (c *completer) scopeVars(start int, closeBrace bool) {
	vars, in := scopeAt(c.st, c.offset)
	inStage := in != nil && in.Stage >= 0 && in.Keyword != "FROM"
	if in == nil {
		if prev := lastInstructionBefore(c.doc, c.offset); prev != nil && prev.Stage >= 0 {
			inStage = true
		}
	}
	suffix := ""
	if closeBrace {
		suffix = "}"
	}
	var autos []dockerfile.ScopeVar
	for _, v := range vars {
		switch {
		case builtin(v) && v.Origin == dockerfile.Automatic:
			autos = append(autos, v)
			continue
		case builtin(v):
			continue
		}
		c.add(CompletionItem{Label: v.Name, Kind: KindVariable, Detail: varDetail(v), Doc: varDoc(v),
			Insert: v.Name + suffix, Replace: c.span(start)})
	}
	for _, v := range autos {
		c.add(CompletionItem{Label: v.Name, Kind: KindVariable, Detail: "automatic platform ARG", Doc: autoArgDoc(v.Name),
			Insert: v.Name + suffix, Replace: c.span(start)})
	}
	if inStage {
		// BuildKit's platform ARGs exist in a stage only once declared.
		for _, a := range data.AutoArgs {
			if !a.Platform {
				continue
			}
			if _, ok := varNamed(vars, a.Name); ok {
				continue
			}
			c.add(CompletionItem{Label: a.Name, Kind: KindVariable, Detail: "automatic platform ARG: needs `ARG " + a.Name + "` in this stage",
				Doc:    a.Doc + "\n\nInside a stage it is empty unless declared with `ARG " + a.Name + "` (no value) first.",
				Insert: a.Name + suffix, Replace: c.span(start)})
		}
	}
}

// heredocVars proposes variables in heredoc bodies that expand.
func (c *completer) heredocVars(in *dockerfile.Instruction) {
	line := c.doc.Lines.LineOf(c.offset)
	before := string(c.doc.Text[c.doc.Lines.Start(line):c.offset])
	i := strings.LastIndexAny(before, " \t\"'=:/")
	c.variables(before[i+1:], c.offset-len(before[i+1:]))
}

// flagNames proposes the flags of an instruction that are not there yet.
func (c *completer) flagNames(keyword string, have []string, start int) {
	d := data.instruction(keyword)
	if d == nil {
		return
	}
	seen := map[string]bool{}
	for _, h := range have {
		seen[h] = true
	}
	for _, name := range d.Flags {
		f := data.flag(keyword, name)
		if f == nil || (seen[name] && name != "mount" && name != "exclude" && name != "device") {
			continue
		}
		label := "--" + name
		insert := label
		if !f.Bool {
			insert += "="
		}
		detail := label
		if f.Value != "" {
			detail += "=" + f.Value
		}
		c.add(CompletionItem{Label: label, Kind: KindFlag, Detail: detail, Doc: flagDoc(f), Insert: insert, Replace: c.span(start)})
		if name == "mount" && c.opts.Snippets {
			for _, mt := range data.MountTypes {
				c.add(CompletionItem{Label: "--mount=type=" + mt.Name, Kind: KindSnippet, Detail: mountSnippet(mt.Name),
					Doc: mt.Doc + "\n\n" + data.docsURL(mt.Anchor), Insert: mountSnippet(mt.Name), Snippet: true, Replace: c.span(start), Filter: "--mount=type=" + mt.Name})
			}
		}
	}
}

var mountSnippets = map[string]string{
	"cache":  "--mount=type=cache,target=${1:/root/.cache}",
	"bind":   "--mount=type=bind,source=${1:.},target=${2:/src}",
	"secret": "--mount=type=secret,id=${1:id}",
	"ssh":    "--mount=type=ssh",
	"tmpfs":  "--mount=type=tmpfs,target=${1:/tmp}",
}

func mountSnippet(t string) string { return mountSnippets[t] }

func flagDoc(f *flagData) string {
	sig := "--" + f.Name
	if f.Value != "" {
		sig += "=" + f.Value
	}
	return "`" + sig + "`\n\n" + f.Doc + "\n\n[Dockerfile reference](" + data.docsURL(f.Anchor) + ")"
}

// flagValue proposes values for --name=value being typed; value is the
// part typed so far, starting at start.
func (c *completer) flagValue(keyword, name, value string, start int) {
	if name == "mount" && keyword == "RUN" {
		c.mountValue(value, start)
		return
	}
	if name == "from" && keyword == "COPY" {
		c.stages(start, false)
		return
	}
	f := data.flag(keyword, name)
	if f == nil {
		return
	}
	vals := f.Values
	if f.Bool {
		vals = []string{"true", "false"}
	}
	for _, v := range vals {
		c.add(CompletionItem{Label: v, Kind: KindValue, Detail: "--" + name, Insert: v, Replace: c.span(start)})
	}
}

// mountValue completes "type=cache,target=/x,sh": a key of the mount's
// type, or the value of the key being typed.
func (c *completer) mountValue(value string, start int) {
	parts := strings.Split(value, ",")
	last := parts[len(parts)-1]
	lastStart := c.offset - len(last)
	typ := "bind"
	have := map[string]bool{}
	for _, p := range parts[:len(parts)-1] {
		k, v, _ := strings.Cut(p, "=")
		k = strings.ToLower(k)
		if k == "type" {
			typ = strings.ToLower(v)
		}
		if mk := data.mountKey[k]; mk != nil {
			have[mk.Name] = true
		}
	}
	if k, v, ok := strings.Cut(last, "="); ok {
		k = strings.ToLower(k)
		vStart := c.offset - len(v)
		if k == "from" {
			c.stages(vStart, false)
			return
		}
		if k == "type" {
			for _, mt := range data.MountTypes {
				c.add(CompletionItem{Label: mt.Name, Kind: KindValue, Detail: "mount type", Doc: mt.Doc + "\n\n" + data.docsURL(mt.Anchor),
					Insert: mt.Name, Replace: c.span(vStart)})
			}
			return
		}
		if mk := data.mountKey[k]; mk != nil {
			for _, val := range mk.Values {
				c.add(CompletionItem{Label: val, Kind: KindValue, Detail: k, Doc: mk.Doc, Insert: val, Replace: c.span(vStart)})
			}
		}
		return
	}
	keys := []string{"type"}
	if mt := data.mountType[typ]; mt != nil {
		keys = append(keys, mt.Keys...)
	}
	for _, k := range keys {
		mk := data.mountKey[k]
		if mk == nil || have[mk.Name] {
			continue
		}
		insert := k + "="
		if mk.Bool && k != "required" {
			insert = k
		}
		c.add(CompletionItem{Label: k, Kind: KindFlag, Detail: "--mount " + k, Doc: mk.Doc, Insert: insert, Replace: c.span(lastStart)})
	}
}

// stages proposes stage names: for FROM the earlier stages, for --from
// every other stage (by index when unnamed).
func (c *completer) stages(start int, fromLine bool) {
	cur := len(c.doc.Stages)
	if in := instructionOnLine(c.doc, c.doc.Lines.LineOf(c.offset)); in != nil && in.Stage >= 0 {
		cur = in.Stage
	} else if prev := lastInstructionBefore(c.doc, c.offset); prev != nil && prev.Stage >= 0 {
		cur = prev.Stage
	}
	for _, st := range c.doc.Stages {
		if st.Index == cur || (fromLine && st.Index > cur) {
			continue
		}
		if fromLine && st.From.Line >= c.doc.Lines.LineOf(c.offset) {
			continue
		}
		label := st.Name
		if label == "" {
			if fromLine {
				continue
			}
			label = strconv.Itoa(st.Index)
		}
		c.add(CompletionItem{Label: label, Kind: KindStage, Detail: "stage " + strconv.Itoa(st.Index) + ": FROM " + st.Base,
			Doc: fmt.Sprintf("Build stage %d, line %d", st.Index, st.From.Line+1), Insert: label, Replace: c.span(start)})
	}
}

// positional completes the arguments after the flags.
func (c *completer) positional(keyword string, pos int, flags []string, cur string, start int, in *dockerfile.Instruction) {
	switch keyword {
	case "FROM":
		switch pos {
		case 0:
			if cur == "" || !strings.HasPrefix(cur, "-") {
				c.stages(start, true)
				c.add(CompletionItem{Label: "scratch", Kind: KindValue, Detail: "an empty base image", Insert: "scratch", Replace: c.span(start)})
			}
			if cur == "" {
				c.flagNames(keyword, flags, start)
			}
		case 1:
			c.add(CompletionItem{Label: "AS", Kind: KindKeyword, Detail: "AS <name>", Doc: "Names the stage.", Insert: "AS ", Replace: c.span(start)})
		}
	case "HEALTHCHECK":
		if pos == 0 {
			c.add(CompletionItem{Label: "CMD", Kind: KindKeyword, Detail: "CMD <command>", Insert: "CMD ", Replace: c.span(start)})
			c.add(CompletionItem{Label: "NONE", Kind: KindKeyword, Detail: "disable the inherited health check", Insert: "NONE", Replace: c.span(start)})
			if cur == "" {
				c.flagNames(keyword, flags, start)
			}
		}
	case "ARG":
		c.argNames(start, in)
	case "STOPSIGNAL":
		if pos == 0 {
			for _, s := range data.Signals {
				c.add(CompletionItem{Label: s, Kind: KindValue, Insert: s, Replace: c.span(start)})
			}
		}
	default:
		if cur == "" && pos == 0 {
			c.flagNames(keyword, flags, start)
		}
	}
}

// argNames proposes names to declare with ARG: in a stage, the global ARGs
// not re-declared yet; BuildKit's automatic and built-in ARGs.
func (c *completer) argNames(start int, in *dockerfile.Instruction) {
	stage := -1
	if in != nil {
		stage = in.Stage
	} else if prev := lastInstructionBefore(c.doc, c.offset); prev != nil {
		stage = prev.Stage
	}
	declared := map[string]bool{}
	if stage >= 0 {
		for _, v := range c.doc.Stages[stage].Vars {
			declared[v.Name] = true
		}
		// A FROM sees every global ARG.
		for _, g := range c.st.Of(c.doc.Stages[stage].From).Vars() {
			if g.Decl == nil || declared[g.Name] {
				continue
			}
			declared[g.Name] = true
			c.add(CompletionItem{Label: g.Name, Kind: KindVariable, Detail: "global " + varDetail(g),
				Doc: "Re-declares the global ARG in this stage, so that its value is visible here.", Insert: g.Name, Replace: c.span(start)})
		}
	} else {
		for _, g := range c.doc.GlobalArgs {
			declared[g.Name] = true
		}
	}
	for _, a := range data.AutoArgs {
		if declared[a.Name] || (stage < 0 && a.Platform) {
			continue
		}
		detail := "BuildKit build arg"
		if a.Platform {
			detail = "automatic platform ARG"
		}
		c.add(CompletionItem{Label: a.Name, Kind: KindVariable, Detail: detail, Doc: a.Doc, Insert: a.Name, Replace: c.span(start)})
	}
}
