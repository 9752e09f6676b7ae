package features

import (
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// apply applies non-overlapping edits sorted by offset.
func apply(t testing.TB, text []byte, edits []dockerfile.Edit) []byte {
	t.Helper()
	var out []byte
	at := 0
	for _, e := range edits {
		if e.Start < at || e.End < e.Start || e.End > len(text) {
			t.Fatalf("bad or overlapping edit %+v (after %d, text %d bytes)", e, at, len(text))
		}
		out = append(out, text[at:e.Start]...)
		out = append(out, e.Text...)
		at = e.End
	}
	return append(out, text[at:]...)
}

// canon collapses the runs of blanks outside quotes: what re-indenting a
// continuation line may change in a shell command, without changing what
// the shell (or BuildKit's word splitting) reads.
func canon(s string) string {
	var b strings.Builder
	var q byte
	blank := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if q == 0 && (c == ' ' || c == '\t') {
			blank = true
			continue
		}
		if blank && b.Len() > 0 {
			b.WriteByte(' ')
		}
		blank = false
		switch {
		case c == '\\' && q != '\'' && i+1 < len(s):
			b.WriteByte(c)
			i++
			c = s[i]
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		}
		b.WriteByte(c)
	}
	return b.String()
}

// sameNode compares BuildKit's parse of two texts: values (with canon when
// loose), flags, attributes and heredoc contents, byte for byte.
func sameNode(a, b *parser.Node, loose bool) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	if a == nil {
		return true
	}
	va, vb := a.Value, b.Value
	if loose {
		va, vb = canon(va), canon(vb)
	}
	if !strings.EqualFold(va, vb) || !slices.Equal(a.Flags, b.Flags) || len(a.Heredocs) != len(b.Heredocs) ||
		len(a.Children) != len(b.Children) || a.Attributes["json"] != b.Attributes["json"] {
		return false
	}
	for i := range a.Heredocs {
		if a.Heredocs[i] != b.Heredocs[i] {
			return false
		}
	}
	for i := range a.Children {
		if !sameNode(a.Children[i], b.Children[i], loose) {
			return false
		}
	}
	return sameNode(a.Next, b.Next, loose)
}

func checkTokens(t *testing.T, name string, doc *dockerfile.Document) {
	prev := 0
	for _, tk := range SemanticTokens(doc) {
		if tk.Start < prev || tk.End <= tk.Start || tk.End > len(doc.Text) ||
			doc.Lines.LineOf(tk.Start) != doc.Lines.LineOf(tk.End-1) || tk.Type < 0 || tk.Type >= len(TokenTypes) {
			t.Fatalf("%s: bad token %+v after %d", name, tk, prev)
		}
		prev = tk.End
	}
}

func TestCorpus(t *testing.T) {
	changed, broken := 0, 0
	for _, f := range testgen.CorpusFiles(t) {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		doc := dockerfile.Parse(text)
		checkTokens(t, name, doc)
		for _, s := range SymbolsFor(noArgs(doc)) {
			if s.Span.Start > s.Select.Start || s.Select.End > s.Span.End {
				t.Errorf("%s: symbol %q selection %v outside %v", name, s.Name, s.Select, s.Span)
			}
		}
		for _, fo := range Folding(doc) {
			if fo.StartLine >= fo.EndLine || fo.EndLine >= doc.Lines.Count() {
				t.Errorf("%s: bad fold %+v", name, fo)
			}
		}
		// Editing requests at the end of each instruction's first line.
		for _, in := range doc.Instructions {
			off := doc.Lines.End(in.Line)
			CompleteFor(noArgs(doc), off, CompletionOptions{Snippets: true})
			HoverFor(noArgs(doc), in.KeywordSpan.Start)
			SignatureHelpAt(doc, off)
			References(doc, off, true)
		}
		LinksFor(noArgs(doc), LinkOptions{FileExists: func(string) bool { return true }})

		c, b := checkFormat(t, name, doc)
		changed += c
		broken += b
	}
	t.Logf("formatting changed %d files; %d do not parse (checked up to their error)", changed, broken)
}

// TestEveryOffset asks every position-based feature at every offset of
// tricky texts and of some corpus files: no panic, spans inside the text.
func TestEveryOffset(t *testing.T) {
	texts := []string{
		"", "\n", "\xef\xbb\xbfFROM a\n", "FROM a\r\nRUN b \\\r\n c\r\n", "\\", "FROM a\nRUN \\", "FROM a\nRUN <<EOF\nx\n",
		"# escape=`\nFROM a\nRUN dir `\n  c:\\\n", "FROM a\nCOPY <<-EOT /x\n\t$Y\n\tEOT\n", "FROM a\nRUN --mount=\"type=cache,target=/x\" y\n",
		"ARG A=${B:-${C}}\nFROM ${A}\nENV X=${A:+y} \\\n  Z='$A'\nRUN echo ${X} $Z \"${", "FROM a AS b\nCOPY --from=b --from=0 . .\nFROM b\nONBUILD COPY --from=b x y\n",
		"FROM a\nHEALTHCHECK --interval=1s CMD [\"x\"]\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Item $env:X\n", "FROM\nARG\nENV\nCOPY\nLABEL =\nEXPOSE /\n",
	}
	for _, f := range testgen.CorpusFiles(t)[:40] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		doc := dockerfile.Parse([]byte(text))
		check := func(what string, s Span) {
			if s.Start < 0 || s.End < s.Start || s.End > len(text) {
				t.Fatalf("%s: span %v outside the text (%d bytes): %q", what, s, len(text), text)
			}
		}
		for off := 0; off <= len(text); off++ {
			for _, it := range CompleteFor(noArgs(doc), off, CompletionOptions{Snippets: true}) {
				check("completion", it.Replace)
				if it.Replace.End != off || doc.Lines.LineOf(it.Replace.Start) != doc.Lines.LineOf(off) {
					t.Fatalf("completion at %d replaces %v in %q", off, it.Replace, text)
				}
			}
			if h, ok := HoverFor(noArgs(doc), off); ok {
				check("hover", h.Span)
			}
			if h, ok := SignatureHelpAt(doc, off); ok && h.Active >= len(h.Signatures) {
				t.Fatalf("signature help at %d: active %d of %d", off, h.Active, len(h.Signatures))
			}
			if s, ok := Definition(doc, off); ok {
				check("definition", s)
			}
			for _, h := range Highlights(doc, off) {
				check("highlight", h.Span)
			}
			if _, _, err := PrepareRename(doc, off); err == nil {
				edits, err := Rename(doc, off, "renamed")
				if err != nil {
					t.Fatalf("prepareRename accepted %d but rename failed: %v", off, err)
				}
				apply(t, doc.Text, edits)
			}
		}
		checkTokens(t, "text", doc)
		SymbolsFor(noArgs(doc))
		Folding(doc)
		apply(t, doc.Text, Format(doc, FormatOptions{}))
	}
}

// checkFormat formats doc both ways (re-indenting and keeping multi-line
// instructions) and checks that the result formats to itself, parses as
// the input did, and means the same to BuildKit. It reports whether the
// default formatting changed anything and whether the input is broken.
func checkFormat(t *testing.T, name string, doc *dockerfile.Document) (changed, broken int) {
	text := doc.Text
	for _, keep := range []bool{false, true} {
		opts := FormatOptions{KeepMultiline: keep}
		edits := Format(doc, opts)
		out := apply(t, text, edits)
		if len(edits) > 0 && !keep {
			changed = 1
		}
		doc2 := dockerfile.Parse(out)
		if again := Format(doc2, opts); len(again) > 0 {
			t.Errorf("%s (keep=%v): formatting is not idempotent: %+v", name, keep, again[0])
		}
		if (doc.Error == nil) != (doc2.Error == nil) {
			t.Errorf("%s (keep=%v): parse error changed: %v -> %v", name, keep, doc.Error, doc2.Error)
			continue
		}
		if doc.Error != nil {
			broken = 1
			continue
		}
		if len(doc.Instructions) != len(doc2.Instructions) {
			t.Errorf("%s (keep=%v): %d instructions became %d", name, keep, len(doc.Instructions), len(doc2.Instructions))
			continue
		}
		for i, in := range doc.Instructions {
			n1, err1 := doc.Node(in)
			n2, err2 := doc2.Node(doc2.Instructions[i])
			if err1 != nil || err2 != nil {
				t.Errorf("%s (keep=%v): line %d does not parse alone: %v / %v", name, keep, in.Line+1, err1, err2)
				break
			}
			if !sameNode(n1, n2, !keep) {
				t.Errorf("%s (keep=%v): line %d parses differently:\n%s\n%s", name, keep, in.Line+1, n1.Dump(), n2.Dump())
				break
			}
			if keep && n1.Dump() != n2.Dump() {
				t.Errorf("%s: line %d dump changed", name, in.Line+1)
			}
			for j, h := range in.Heredocs {
				if doc.Slice(h.Body) != doc2.Slice(doc2.Instructions[i].Heredocs[j].Body) {
					t.Errorf("%s: heredoc body changed at line %d", name, in.Line+1)
				}
			}
		}
	}
	return changed, broken
}
