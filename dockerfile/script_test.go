package dockerfile

import (
	"strings"
	"testing"
	"time"

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

// TestScriptPOSIX: whether a RUN has a script is decided once, here: by the
// SHELL in force, else by the base image, else by the escape directive.
func TestScriptPOSIX(t *testing.T) {
	tests := []struct {
		file  string
		posix bool
	}{
		{"FROM alpine\nRUN x", true},
		{"# escape=`\nFROM python:3.12\nRUN x", true}, // a Linux base: the backtick is only the escape
		{"FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN x", false},
		{"# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN x", false},
		{"FROM mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022 AS build\nFROM build\nRUN x", false},
		{"FROM python:3.12-windowsservercore\nRUN x", false},
		{"FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"bash\", \"-c\"]\nRUN x", true},
		{"FROM alpine\nSHELL [\"pwsh\", \"-Command\"]\nRUN x", false},
		{"FROM alpine AS a\nSHELL [\"pwsh\", \"-Command\"]\nFROM a\nRUN x", false}, // inherited SHELL
		{"FROM alpine\nRUN x\nSHELL [\"pwsh\", \"-Command\"]", true},               // a later SHELL
		{"ARG BASE\nFROM $BASE\nRUN x", true},
		{"# escape=`\nARG BASE\nFROM $BASE\nRUN x", false}, // unknown base, Windows escape
		{"# escape=`\nARG BASE=python:3.12\nFROM $BASE\nRUN x", true},
		{"ARG BASE=mcr.microsoft.com/windows/servercore:ltsc2022\nFROM $BASE\nRUN x", false},
		{"# escape=`\nARG BASE\nFROM $BASE\nSHELL [\"/bin/sh\", \"-c\"]\nRUN x", true},
		// The stage's tables carry the answer down a FROM chain.
		{"FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w\nSHELL [\"bash\", \"-c\"]\nFROM w AS x\nFROM x\nRUN x", true},
		{"FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w\nFROM w AS x\nFROM x\nRUN x", false},
		{"FROM alpine AS a\nSHELL [\"pwsh\"]\nRUN y\nSHELL [\"sh\", \"-c\"]\nFROM a\nRUN x", true}, // the last SHELL
	}
	for _, tt := range tests {
		d := Parse([]byte(tt.file))
		var run *Instruction
		for _, in := range d.Instructions {
			if in.Keyword == "RUN" {
				run = in
			}
		}
		if got := d.Script(run) != nil; got != tt.posix {
			t.Errorf("%q: script %v, want %v", tt.file, got, tt.posix)
		}
	}
}

// TestScriptHostile: RUNs that overflowed the stack in the shell parser or
// its walker come back at once with no commands, saying they were cut.
func TestScriptHostile(t *testing.T) {
	// BuildKit reads lines of at most 64 KB: 300 lines of 1,000 each.
	params := strings.Repeat(strings.Repeat("${a:-", 1000)+"\n", 300)
	closers := strings.Repeat(strings.Repeat("}", 1000)+"\n", 300)
	files := map[string]string{
		"150,000 ( over continuation lines": "FROM alpine\nRUN " + strings.Repeat("(((((\\\n", 30000) + "a\n",
		"300,000 ${a:- in a heredoc":        "FROM alpine\nRUN cat <<EOF\n" + params + "EOF\n",
		"300,000 ${a:- as a heredoc script": "FROM alpine\nRUN <<EOF\necho " + params + closers + "EOF\n",
	}
	for name, text := range files {
		d := Parse([]byte(text))
		if d.Error != nil || len(d.Instructions) != 2 {
			t.Fatalf("%s: %d instructions, error %v", name, len(d.Instructions), d.Error)
		}
		run := d.Instructions[1]
		var s *shell.Script
		timed(t, name, func() { s = d.Script(run) })
		if s == nil || !s.Cut() || len(s.Commands) != 0 {
			t.Errorf("%s: script %+v, want cut", name, s)
		}
	}
}

// hostileBound is how long a hostile document may take: about a hundredth
// of it on an idle machine, room for a loaded 2-core one.
const hostileBound = 5 * time.Second

// timed runs f and fails the test when it takes longer than hostileBound.
func timed(t *testing.T, name string, f func()) {
	t.Helper()
	start := time.Now()
	f()
	took := time.Since(start)
	t.Logf("%s: %v", name, took)
	if took > hostileBound {
		t.Errorf("%s took %v, want under %v", name, took, hostileBound)
	}
}
