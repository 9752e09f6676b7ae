package dockerfile

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// TestShellSource: the text the shell runs for a RUN is the command's lines
// joined as BuildKit joins them, with the document's escape character, and
// the heredoc bodies verbatim; every byte maps back to its place in the
// file.
func TestShellSource(t *testing.T) {
	tests := []struct{ file, want string }{
		{"RUN a \\\n b", "a  b"},
		{"RUN a\\\nb", "ab"},
		{"RUN a \\\\\nRUN b", "a \\\\"}, // escaped backslash: not a continuation
		{"RUN a \\ \t\n b", "a  b"},     // blanks after the escape
		{"RUN a \\\n# c\n\n b", "a  b"},
		{"RUN a \\\r\n  b\r\n", "a   b"},
		{"RUN <<EOF\nx \\\n# y\nEOF", "<<EOF\nx \\\n# y\nEOF"}, // heredoc body verbatim
		{"RUN <<EOF\r\nx\r\nEOF\r\n", "<<EOF\nx \nEOF"},
		{"RUN cat <<EOF \\\n  > /x\nbody\nEOF", "cat <<EOF   > /x\nbody\nEOF"},
		{"RUN a \\", "a "},
		{"# escape=`\nRUN a `\n b", "a  b"},
		{"# escape=`\nRUN a \\\nRUN b", "a \\"}, // a backslash does not continue
		{"# escape=`\nRUN a ` \n# c\n b `\n c", "a  b  c"},
	}
	for _, tt := range tests {
		d := Parse([]byte(tt.file))
		run := d.Instructions[0]
		got, offs := d.shellSource(run)
		if got != tt.want {
			t.Errorf("%q: joined %q, want %q", tt.file, got, tt.want)
		}
		if len(offs) != len(got)+1 {
			t.Fatalf("%q: %d offsets for %d bytes", tt.file, len(offs), len(got))
		}
		for i := range got {
			if c := d.Text[run.ArgsSpan.Start+offs[i]]; c != got[i] && got[i] != ' ' {
				t.Errorf("%q: byte %d %q maps to %q", tt.file, i, got[i], c)
			}
		}
	}
}

// TestScriptJoins: the commands of a continued RUN are those BuildKit's
// shell runs, where a plain shell parse of the file's text would differ.
func TestScriptJoins(t *testing.T) {
	tests := []struct{ file, want string }{
		{"RUN apt-get update && \\  \n  apt-get install -y vim", "apt-get update|apt-get install -y vim"},
		{"RUN apt-get update && \\\r\n  apt-get install -y vim\r\n", "apt-get update|apt-get install -y vim"},
		{"RUN bash -c 'apt-get update && \\\n  apt-get install -y x'", "bash -c apt-get update &&   apt-get install -y x|apt-get update|apt-get install -y x"},
		{"RUN apt-get install -y \\\n# tools\n  git", "apt-get install -y git"},
		{"# escape=`\nRUN pip install `\n  -r r.txt", "pip install -r r.txt"},
		{"# escape=`\nRUN echo a\\b `\n  c", "echo ab c"}, // the shell unquotes a\b
	}
	for _, tt := range tests {
		d := Parse([]byte(tt.file))
		run := d.Instructions[0]
		s := d.Script(run)
		if s == nil {
			t.Fatalf("%q: no script", tt.file)
		}
		var cmds []string
		for _, c := range s.Commands {
			cmds = append(cmds, values(c.Args))
			for _, w := range c.Args {
				at := Span{Start: run.ArgsSpan.Start + w.Start, End: run.ArgsSpan.Start + w.End}
				if src := d.Slice(at); !strings.ContainsAny(src, "'\"\\`\n") && src != w.Value {
					t.Errorf("%q: word %q covers %q", tt.file, w.Value, src)
				}
			}
		}
		if got := strings.Join(cmds, "|"); got != tt.want {
			t.Errorf("%q: commands %q, want %q", tt.file, got, tt.want)
		}
	}
}

func values(words []shell.Word) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w.Value
	}
	return strings.Join(out, " ")
}
