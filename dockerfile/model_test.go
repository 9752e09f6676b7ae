package dockerfile

import (
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// span finds the n-th (0-based) occurrence of sub in text.
func span(t *testing.T, text, sub string, n int) Span {
	t.Helper()
	from := 0
	for i := 0; ; i++ {
		at := strings.Index(text[from:], sub)
		if at < 0 {
			t.Fatalf("%q not found %d times", sub, n+1)
		}
		if i == n {
			return Span{from + at, from + at + len(sub)}
		}
		from += at + len(sub)
	}
}

func TestRanges(t *testing.T) {
	text := "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n" +
		"RUN --mount=type=cache,target=/go/pkg/mod \\\n" +
		"    # a comment inside\n" +
		"    go mod download\n" +
		"COPY --from=build --chown=app:app [\"/out/a b\", \"/bin/\"]\n"
	d := Parse([]byte(text))
	if d.Error != nil {
		t.Fatal(d.Error)
	}
	if len(d.Instructions) != 3 {
		t.Fatalf("got %d instructions", len(d.Instructions))
	}
	from, run, cp := d.Instructions[0], d.Instructions[1], d.Instructions[2]
	checks := []struct {
		name string
		got  Span
		want Span
	}{
		{"FROM keyword", from.KeywordSpan, span(t, text, "FROM", 0)},
		{"FROM flag", from.Flags[0].Span, span(t, text, "--platform=$BUILDPLATFORM", 0)},
		{"FROM flag value", from.Flags[0].ValueSpan, span(t, text, "$BUILDPLATFORM", 0)},
		{"FROM base", from.Args[0].Span, span(t, text, "golang:1.22", 0)},
		{"stage name", d.Stages[0].NameSpan, span(t, text, "build", 0)},
		{"RUN mount", run.Flags[0].Span, span(t, text, "--mount=type=cache,target=/go/pkg/mod", 0)},
		{"RUN flag name", run.Flags[0].NameSpan, span(t, text, "mount", 0)},
		{"RUN word after comment", run.Args[0].Span, span(t, text, "go", 2)},
		{"RUN last word", run.Args[2].Span, span(t, text, "download", 0)},
		{"COPY --from", cp.Flags[0].Span, span(t, text, "--from=build", 0)},
		{"COPY --chown", cp.Flags[1].Span, span(t, text, "--chown=app:app", 0)},
		{"COPY json src", cp.Args[0].Span, span(t, text, `"/out/a b"`, 0)},
		{"COPY json dst", cp.Args[1].Span, span(t, text, `"/bin/"`, 0)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v %q, want %v %q", c.name, c.got, d.Slice(c.got), c.want, d.Slice(c.want))
		}
	}
	if run.Line != 1 || run.EndLine != 3 {
		t.Errorf("RUN lines %d-%d, want 1-3", run.Line, run.EndLine)
	}
	if !cp.JSONForm || cp.Args[0].Value != "/out/a b" {
		t.Errorf("COPY exec form not decoded: %+v", cp.Args)
	}
	if d.Stages[0].Platform != "$BUILDPLATFORM" || d.Stages[0].Base != "golang:1.22" {
		t.Errorf("stage: %+v", d.Stages[0])
	}
	if len(d.Comments) != 1 || d.Slice(d.Comments[0]) != "# a comment inside" {
		t.Errorf("comments: %v", d.Comments)
	}
}

func TestHeredocs(t *testing.T) {
	text := "FROM alpine\nRUN <<EOF cat >/x <<-EOT\necho hi\nEOF\n\tbody2\n\tEOT\nCOPY <<'CONF' /etc/app.conf\nkey=$value\nCONF\n"
	d := Parse([]byte(text))
	if d.Error != nil {
		t.Fatal(d.Error)
	}
	run, cp := d.Instructions[1], d.Instructions[2]
	if len(run.Heredocs) != 2 {
		t.Fatalf("heredocs: %+v", run.Heredocs)
	}
	if got := d.Slice(run.Heredocs[0].Body); got != "echo hi\n" {
		t.Errorf("first body %q", got)
	}
	if got := d.Slice(run.Heredocs[1].Body); got != "\tbody2\n" || !run.Heredocs[1].Chomp {
		t.Errorf("second body %q", got)
	}
	if got := d.Slice(run.Heredocs[1].EndSpan); got != "\tEOT" {
		t.Errorf("terminator %q", got)
	}
	if run.Heredocs[0].NameSpan != span(t, text, "EOF", 0) {
		t.Errorf("delimiter span %v", run.Heredocs[0].NameSpan)
	}
	if cp.Heredocs[0].Expand || d.Slice(cp.Heredocs[0].Body) != "key=$value\n" {
		t.Errorf("quoted heredoc: %+v", cp.Heredocs[0])
	}
	if run.EndLine != 5 || cp.Line != 6 {
		t.Errorf("lines: run ends %d, copy starts %d", run.EndLine, cp.Line)
	}
}

func TestEscapeBacktick(t *testing.T) {
	text := "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo done\n"
	d := Parse([]byte(text))
	if d.Error != nil {
		t.Fatal(d.Error)
	}
	if d.Escape != '`' || len(d.Directives) != 1 || d.Directives[0].Name != "escape" {
		t.Fatalf("escape %q directives %+v", d.Escape, d.Directives)
	}
	run := d.Instructions[1]
	if run.EndLine != 3 || run.Args[1].Value != `c:\` {
		t.Errorf("RUN: lines %d-%d args %+v", run.Line, run.EndLine, run.Args)
	}
	if got := run.Args[len(run.Args)-1]; d.Slice(got.Span) != "done" {
		t.Errorf("last word %q", d.Slice(got.Span))
	}
}

func TestCRLFAndBOM(t *testing.T) {
	text := "\xef\xbb\xbfFROM alpine\r\nRUN echo a \\\r\n  b\r\n"
	d := Parse([]byte(text))
	if d.Error != nil {
		t.Fatal(d.Error)
	}
	if got := d.Slice(d.Instructions[0].KeywordSpan); got != "FROM" {
		t.Errorf("keyword after BOM %q", got)
	}
	run := d.Instructions[1]
	if got := d.Slice(run.Args[2].Span); got != "b" {
		t.Errorf("continued word %q", got)
	}
	if got := d.Slice(run.Span); got != "RUN echo a \\\r\n  b" {
		t.Errorf("span %q (no CR at the end)", got)
	}
}

func TestEmoji(t *testing.T) {
	text := "FROM alpine\nLABEL note=\"🐳 whale\" x=y\n"
	d := Parse([]byte(text))
	label := d.Instructions[1]
	if got := d.Slice(label.Args[1].Span); got != "x=y" {
		t.Errorf("word after emoji %q", got)
	}
}

func TestEmptyAndCommentsOnly(t *testing.T) {
	for _, text := range []string{"", "\n\n", "   "} {
		d := Parse([]byte(text))
		if d.Error != nil || len(d.Instructions) != 0 {
			t.Errorf("%q: error %v, %d instructions", text, d.Error, len(d.Instructions))
		}
	}
	d := Parse([]byte("# just a note\n# another\n"))
	if d.Error == nil || d.Error.Message != errNoInstructions {
		t.Errorf("comments only: error %v, want %q as BuildKit says", d.Error, errNoInstructions)
	}
	if len(d.Comments) != 2 {
		t.Errorf("comments %v", d.Comments)
	}
}

func TestParseErrorRange(t *testing.T) {
	text := "FROM alpine\nRUN ok\nRUN <<EOF\nnever ends\n"
	d := Parse([]byte(text))
	if d.Error == nil {
		t.Fatal("no error")
	}
	if line := d.Lines.LineOf(d.Error.Span.Start); line != 2 {
		t.Errorf("error at line %d (%q), want 2", line, d.Slice(d.Error.Span))
	}
	if len(d.Instructions) != 2 {
		t.Errorf("instructions before the error: %d, want 2", len(d.Instructions))
	}
}

func TestScopes(t *testing.T) {
	text := "ARG V=1\nARG BASE\nFROM alpine AS a\nARG V\nENV P=/x Q=y\nENV LEGACY some value\nFROM a\nARG OTHER=2\n"
	d := Parse([]byte(text))
	if len(d.GlobalArgs) != 2 || d.GlobalArgs[0].Value != "1" || d.GlobalArgs[1].HasValue {
		t.Errorf("global args %+v", d.GlobalArgs)
	}
	var names []string
	for _, v := range d.Stages[0].Vars {
		names = append(names, v.Name+"="+v.Value)
	}
	if got := strings.Join(names, " "); got != "V= P=/x Q=y LEGACY=some value" {
		t.Errorf("stage vars %q", got)
	}
	if len(d.Stages[1].Vars) != 1 || d.Stages[1].Base != "a" {
		t.Errorf("second stage %+v", d.Stages[1])
	}
}

func TestInstructionAt(t *testing.T) {
	text := "FROM a\n\nRUN x\n"
	d := Parse([]byte(text))
	if in := d.InstructionAt(strings.Index(text, "x")); in == nil || in.Keyword != "RUN" {
		t.Errorf("at x: %v", in)
	}
	if in := d.InstructionAt(7); in != nil {
		t.Errorf("blank line: %v", in.Keyword)
	}
}

// TestForget: a forgotten document is the same model, derives afresh, and
// so does every version sharing its instructions.
func TestForget(t *testing.T) {
	d := Parse([]byte("ARG V=1\nFROM alpine AS a\nRUN --mount=type=cache,target=/x echo $V\nFROM a\nCOPY --from=a /x /y\nonbuild run x\n"))
	calls := 0
	derive := func(doc *Document) any {
		return doc.Instructions[2].Derive("test", func() any { calls++; return calls })
	}
	derive(d)
	shifted, err := d.Apply(Edit{Start: len(d.Text), End: len(d.Text), Text: "RUN y\n"})
	if err != nil {
		t.Fatal(err)
	}
	before := dump(d)
	d.Forget()
	if dump(d) != before {
		t.Fatalf("forgetting changed the model:\n%s\nwant\n%s", dump(d), before)
	}
	if got := derive(d); got != 2 {
		t.Errorf("the forgotten document reused a memo: %v", got)
	}
	if got := derive(shifted); got != 2 {
		t.Errorf("a version sharing the instruction derived again or kept the old value: %v", got)
	}
}

// An open document must not keep BuildKit's copy of each instruction
// alive through its keyword: keywords are interned, so the same keyword in
// two documents is one string.
func TestKeywordsAreInterned(t *testing.T) {
	a := Parse([]byte("FROM alpine\nRUN echo a\n"))
	runtime.GC() // the canonical copy must outlive a collection
	b := Parse([]byte("FROM debian\nRUN echo b\n"))
	for i := range a.Instructions {
		ka, kb := a.Instructions[i].Keyword, b.Instructions[i].Keyword
		if ka != kb || unsafe.StringData(ka) != unsafe.StringData(kb) {
			t.Errorf("instruction %d: keywords %q and %q are separate strings", i, ka, kb)
		}
	}
}

func TestStageReferences(t *testing.T) {
	doc := Parse([]byte("FROM alpine AS Build\nFROM build AS second\nFROM 0\nCOPY --from=0 / /\n"))
	stage := func(st *Stage) int {
		if st == nil {
			return -1
		}
		return st.Index
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"FROM by name, any case", stage(doc.FromStage("build", 1)), 0},
		{"FROM names only an earlier stage", stage(doc.FromStage("second", 1)), -1},
		{"FROM with a number names an image", stage(doc.FromStage("0", 2)), -1},
		{"--from by index", stage(doc.StageRef("0", 2)), 0},
		{"--from by index, not a later stage", stage(doc.StageRef("1", 1)), -1},
		{"--from by name", stage(doc.StageRef("SECOND", 3)), 1},
		{"--from by a negative index", stage(doc.StageRef("-1", 3)), -1},
		{"--from by an index past the end", stage(doc.StageRef("7", 9)), -1},
		{"--from an image", stage(doc.StageRef("alpine", 3)), -1},
		{"--from by a signed index, as strconv.Atoi reads it", stage(doc.StageRef("+1", 3)), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: stage %d, want %d", c.name, c.got, c.want)
		}
	}
	for ref, image := range map[string]bool{"alpine": true, "build": false, "SECOND": false, "0": false, "7": false, "-1": false} {
		if got := doc.RefIsImage(ref); got != image {
			t.Errorf("RefIsImage(%q) = %v, want %v", ref, got, image)
		}
	}
	// The rules resolve every COPY --from on every keystroke.
	if n := testing.AllocsPerRun(100, func() { doc.StageRef("alpine", 3) }); n != 0 {
		t.Errorf("resolving an image name allocates %v times", n)
	}
}

// The keyword ends at the first blank, quotes or not, as BuildKit splits
// it; the words after it are quote-aware.
func TestKeywordSplitsAtBlank(t *testing.T) {
	d := Parse([]byte("FROM alpine\nRUN\"a b\" c\n"))
	in := d.Instructions[1]
	if got := d.Slice(in.KeywordSpan); got != `RUN"a` {
		t.Errorf("keyword %q, want %q", got, `RUN"a`)
	}
	var args []string
	for _, w := range in.Args {
		args = append(args, w.Value)
	}
	// One word: the quote opened after "a" runs to the end.
	if got := strings.Join(args, "|"); got != "b c" {
		t.Errorf("args %q, want %q", got, "b c")
	}
}
