package dockerfile

import (
	"fmt"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"math/rand"
	"os"
	"strings"
	"testing"
)

// dump renders everything the model derives, so that a spliced document
// can be compared with a fresh parse of the same text.
func dump(d *Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "escape %q error %v\n", d.Escape, d.Error)
	for _, in := range d.Instructions {
		node, err := d.Node(in)
		if err != nil {
			fmt.Fprintf(&b, "node error %v\n", err)
		} else {
			fmt.Fprintf(&b, "node %s\n", node.Dump())
		}
		// err: whether BuildKit rejects it; its "did you mean" varies between runs.
		fmt.Fprintf(&b, "%s %d-%d %v kw%v args%v json=%v stage=%d err=%v\n", in.Keyword, in.Line, in.EndLine, in.Span, in.KeywordSpan, in.ArgsSpan, in.JSONForm, in.Stage, in.Err() != nil)
		for _, f := range in.Flags {
			fmt.Fprintf(&b, "  flag %+v\n", f)
		}
		for _, a := range in.Args {
			fmt.Fprintf(&b, "  arg %+v\n", a)
		}
		for _, h := range in.Heredocs {
			fmt.Fprintf(&b, "  heredoc %+v\n", h)
		}
	}
	for _, s := range d.Stages {
		fmt.Fprintf(&b, "stage %d %q %v %q %v %q vars=%d\n", s.Index, s.Name, s.NameSpan, s.Base, s.BaseSpan, s.Platform, len(s.Vars))
	}
	fmt.Fprintf(&b, "directives %+v\ncomments %v\nwarnings %+v\nglobals %d\n", d.Directives, d.Comments, d.Warnings, len(d.GlobalArgs))
	return b.String()
}

// fragments are typical things a user types, including ones that must
// force a full parse.
var fragments = []string{"", "\n", "RUN echo hi\n", "\\\n", " ", "x", "FROM alpine AS b\n", "# note\n",
	"--mount=type=cache,target=/x ", "COPY . /app\n", "ARG V=1\n", "ENV A=b\n", "\"", "'", "<<EOF\nbody\nEOF\n",
	"\r\n", "# escape=`\n", "RUN a \\\n  b\n", "\t", "🐳", "=", "[\"a\", \"b\"]", "ONBUILD RUN x\n"}

func TestSpliceMatchesFullParse(t *testing.T) {
	seeds := []string{
		"FROM alpine AS base\nARG V=1\nRUN apk add --no-cache curl \\\n    git\n\n# comment\nCOPY . /app\nRUN <<EOF\nmake\nEOF\nFROM base\nCMD [\"sh\"]\n",
		"# syntax=docker/dockerfile:1\nFROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
	}
	edits := 1500
	if testing.Short() {
		edits = 200 // the inner loop; make test runs them all
	}
	rng := rand.New(rand.NewSource(1))
	for s, seed := range seeds {
		doc := Parse([]byte(seed))
		for i := 0; i < edits; i++ {
			text := doc.Text
			start := rng.Intn(len(text) + 1)
			end := min(len(text), start+rng.Intn(12))
			if rng.Intn(3) == 0 {
				end = start
			}
			e := Edit{Start: start, End: end, Text: fragments[rng.Intn(len(fragments))]}
			next, err := doc.Apply(e)
			if err != nil {
				t.Fatal(err)
			}
			want := Parse(next.Text)
			if got, exp := dump(next), dump(want); got != exp {
				t.Fatalf("seed %d edit %d %+v on\n%q\nspliced:\n%s\nfull:\n%s", s, i, e, text, got, exp)
			}
			doc = next
			if len(doc.Text) > 2000 {
				doc = Parse([]byte(seed))
			}
		}
	}
}

// TestSpliceKeepsUnchangedNeighbours: the instructions the splice parses
// again only because they are next to the edit keep what was derived
// from them; the edited one does not.
func TestSpliceKeepsUnchangedNeighbours(t *testing.T) {
	d := Parse([]byte("FROM alpine\nENV A=1\nRUN echo x\nCOPY . /app\n"))
	computed := 0
	derive := func(in *Instruction) any {
		return in.Derive("probe", func() any { computed++; return in.Keyword })
	}
	for _, in := range d.Instructions {
		derive(in)
	}
	at := strings.Index(string(d.Text), "echo x") + len("echo x")
	next, err := d.Apply(Edit{Start: at, End: at, Text: "y"})
	if err != nil {
		t.Fatal(err)
	}
	before := computed
	for _, in := range next.Instructions {
		derive(in)
	}
	if got := computed - before; got != 1 {
		t.Errorf("after typing in the RUN, %d instructions derived again, want 1 (the RUN)", got)
	}
}

func TestApplyRejectsOutOfRange(t *testing.T) {
	d := Parse([]byte("FROM a\n"))
	for _, e := range []Edit{{Start: -1, End: 0}, {Start: 3, End: 2}, {Start: 0, End: 100}} {
		if _, err := d.Apply(e); err == nil {
			t.Errorf("%+v: no error", e)
		}
	}
}

func TestCorpus(t *testing.T) {
	failed := 0
	for _, f := range testgen.CorpusFiles(t) {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := Parse(text)
		if d.Error != nil {
			failed++
			if d.Error.Span.End > len(text) || d.Error.Span.Start > d.Error.Span.End {
				t.Errorf("%s: bad error span %v", f, d.Error.Span)
			}
		}
		for _, in := range d.Instructions {
			if in.Span.End > len(text) || in.KeywordSpan.Start < in.Span.Start {
				t.Errorf("%s: bad span for %s %v", f, in.Keyword, in.Span)
			}
		}
		checkNodesAlone(t, f, d)
	}
	t.Logf("%d corpus files do not parse", failed)
}

// checkNodesAlone: each instruction parsed again on its own (Node) is the
// node the whole file's parse gave it.
func checkNodesAlone(t *testing.T, name string, d *Document) {
	t.Helper()
	res, err := parseAST(d.Text)
	if err != nil {
		return
	}
	for i, in := range d.Instructions {
		n, err := d.Node(in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if got, want := n.Dump(), res.AST.Children[i].Dump(); got != want {
			t.Errorf("%s: line %d parses alone as\n%s\nnot\n%s", name, in.Line+1, got, want)
			return
		}
	}
}

func FuzzApply(f *testing.F) {
	for _, seed := range []string{"FROM a\nRUN b\n", "# escape=`\nFROM a\n", "FROM a\nRUN <<EOF\nx\nEOF\n"} {
		f.Add(seed, 3, 5, "x\n")
	}
	f.Fuzz(func(t *testing.T, text string, start, n int, ins string) {
		d := Parse([]byte(text))
		if start < 0 || n < 0 || start > len(text) {
			return
		}
		e := Edit{Start: start, End: min(len(text), start+n), Text: ins}
		next, err := d.Apply(e)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := dump(next), dump(Parse(next.Text)); got != want {
			t.Fatalf("splice differs from full parse:\n%s\n%s", got, want)
		}
	})
}
