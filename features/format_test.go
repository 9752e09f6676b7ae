package features

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		opts            FormatOptions
	}{
		{"keywords, blanks", "  from alpine  \n\trun echo hi\t\n   \n  # comment  \nOnBuild run make\n",
			"FROM alpine\nRUN echo hi\n\n# comment\nONBUILD RUN make\n", FormatOptions{}},
		{"continuation indent", "FROM a\nRUN apt-get update && \\\n  apt-get install -y \\\n\t\tcurl \\\n        git\n",
			"FROM a\nRUN apt-get update && \\\n    apt-get install -y \\\n    curl \\\n    git\n", FormatOptions{}},
		{"custom indent", "FROM a\nRUN a \\\n    b\n", "FROM a\nRUN a \\\n\tb\n", FormatOptions{Indent: "\t"}},
		{"comment and empty lines inside", "FROM a\nRUN a \\\n# note   \n  \n b\n", "FROM a\nRUN a \\\n    # note\n\n    b\n", FormatOptions{}},
		{"inside quotes untouched", "FROM a\nRUN echo \"one \\\n  two\" \\\n  three\n", "FROM a\nRUN echo \"one \\\n  two\" \\\n    three\n", FormatOptions{}},
		{"blanks after a stray carriage return kept", "FROM a\nRUN x\r \nRUN y  \r\n", "FROM a\nRUN x\r \nRUN y\r\n", FormatOptions{}},
		{"JSON array untouched", "FROM a\nCMD [\"a\", \\\n  \"b\"]\n", "FROM a\nCMD [\"a\", \\\n  \"b\"]\n", FormatOptions{}},
		{"word split across lines untouched", "FROM a\nRUN echo ab\\\ncd \\\n  ef\n", "FROM a\nRUN echo ab\\\ncd \\\n    ef\n", FormatOptions{}},
		{"escaped blank before the continuation joins the word", "FROM a\nRUN echo a\\ \\\nb\n", "FROM a\nRUN echo a\\ \\\nb\n", FormatOptions{}},
		{"heredoc bodies untouched", "FROM a\nrun <<EOF  \n  echo hi   \n\tEOF\nEOF\n", "FROM a\nRUN <<EOF\n  echo hi   \n\tEOF\nEOF\n", FormatOptions{}},
		{"keep multi-line", "from a\nrun a \\\n  b  \\\n c   \n", "FROM a\nRUN a \\\n  b  \\\n c   \n", FormatOptions{KeepMultiline: true}},
		{"escape directive", "# escape=`\nFROM a\nRUN dir `\n  c:\\ \n", "# escape=`\nFROM a\nRUN dir `\n    c:\\\n", FormatOptions{}},
		{"CRLF", "from a \r\nRUN a \\\r\n b\r\n", "FROM a\r\nRUN a \\\r\n    b\r\n", FormatOptions{}},
		{"keyword after an escape-only first line: only its case", "from a\n\\\n  run   x  \n", "FROM a\n\\\n  RUN   x  \n", FormatOptions{}},
		{"stops at a parse error", "from a\nRUN <<EOF\nx\n", "FROM a\nRUN <<EOF\nx\n", FormatOptions{}},
		{"formatted", "# syntax=docker/dockerfile:1\nFROM a AS b\nRUN a \\\n    b\n", "# syntax=docker/dockerfile:1\nFROM a AS b\nRUN a \\\n    b\n", FormatOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := dockerfile.Parse([]byte(tc.src))
			edits := Format(doc, tc.opts)
			got := string(apply(t, doc.Text, edits))
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			if again := Format(dockerfile.Parse([]byte(got)), tc.opts); len(again) != 0 {
				t.Errorf("not idempotent: %+v", again)
			}
		})
	}
}

func TestFormatMinimalEdits(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM a\ncoPY x y  \nRUN a \\\n      b\n"))
	var got []string
	for _, e := range Format(doc, FormatOptions{}) {
		got = append(got, rng(doc, Span{Start: e.Start, End: e.End})+" "+e.Text)
	}
	want := []string{"1:0-1:2 CO", "1:8-1:10 ", "3:4-3:6 "}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("edit %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestFormatRange(t *testing.T) {
	src := "from a\nrun a \\\n b\ncopy x y\n"
	doc := dockerfile.Parse([]byte(src))
	// Lines 1 and 2 (the RUN), not the FROM nor the COPY.
	edits := FormatRange(doc, FormatOptions{}, Span{Start: 7, End: len("from a\nrun a \\\n b\n")})
	if got, want := string(apply(t, doc.Text, edits)), "from a\nRUN a \\\n    b\ncopy x y\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
