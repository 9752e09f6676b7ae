package dockerfile

import (
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// noScript stands for a RUN whose script parses to nil in memo.script.
var noScript = &shell.Script{}

// Script is what a RUN executes, as the shell parser reads it, with offsets
// relative to the instruction's ArgsSpan.Start (add it for file offsets);
// nil for other instructions and for a RUN that does not run in a POSIX
// shell (a SHELL naming PowerShell or cmd, a Windows base image: see
// posixShellAt), where nothing should be read into it. Commands recovered from a script with a syntax error are kept. The
// escape directive is honoured: with "# escape=`" the backtick continues
// lines.
func (d *Document) Script(in *Instruction) *shell.Script {
	return d.stateInUse().Script(in)
}

// Script is Document.Script with the shell decided by this state.
func (s *BuildState) Script(in *Instruction) *shell.Script {
	if in.Keyword != "RUN" || !s.posixShellAt(in) {
		return nil
	}
	script := in.memo.script.Load()
	if script == nil {
		script = s.doc.parseScript(in)
		if script == nil {
			script = noScript
		}
		if !in.memo.script.CompareAndSwap(nil, script) {
			script = in.memo.script.Load() // parsed meanwhile by another caller: keep one
		}
	}
	if script == noScript {
		return nil
	}
	return script
}

// parseScript parses a RUN's script (see Script).
func (d *Document) parseScript(in *Instruction) *shell.Script {
	if in.JSONForm {
		args := make([]string, len(in.Args))
		for i, a := range in.Args {
			args[i] = a.Value
		}
		return shell.ParseExec(args)
	}
	s, _ := shell.ParseJoined(d.shellSource(in))
	return s
}

// shellSource is the text the shell runs for a shell-form RUN, with the
// offset from in.ArgsSpan.Start of each of its bytes (and a last entry for
// the end of the instruction). The command's lines are joined as BuildKit
// joins them (JoinLines, with the document's escape character); after the
// line break ending the command come the heredoc bodies, verbatim but for
// the "\r" of a "\r\n", which becomes a blank so that CRLF bodies parse
// like LF ones.
//
// Why the shell does not join the lines itself: BuildKit joins them before
// the shell sees them, and the rules differ (BuildKit joins inside single
// quotes, accepts blanks after the escape character and drops comment and
// empty lines); parsing the raw text would split commands where the build
// does not.
func (d *Document) shellSource(in *Instruction) (string, []int) {
	base, end := in.ArgsSpan.Start, d.Lines.End(in.EndLine)
	l := JoinLines(d, d.Lines.LineOf(base), base, end)
	var text strings.Builder
	text.Grow(end - base + 1)
	text.Write(l.Text)
	offs := l.appendOffsets(make([]int, 0, end-base+2), base)
	if l.Last < in.EndLine && !d.continues(l.Last) {
		// The command's line break, then the heredoc bodies.
		nl := d.Lines.Start(l.Last + 1)
		text.WriteByte('\n')
		offs = append(offs, nl-1-base)
		for i := nl; i < end; i++ {
			c := d.Text[i]
			if c == '\r' && i+1 < len(d.Text) && d.Text[i+1] == '\n' {
				c = ' '
			}
			text.WriteByte(c)
			offs = append(offs, i-base)
		}
	}
	return text.String(), append(offs, end-base)
}

// continues reports whether line ends with the escape character, continuing
// the instruction on the next line.
func (d *Document) continues(line int) bool {
	_, more := Continuation(d.Text[d.Lines.Start(line):d.Lines.End(line)], byte(d.Escape))
	return more
}

// posixShellAt reports whether in runs in a POSIX shell: the one answer
// every reader of RUN scripts (rules, fixes, the cache engine, sizes)
// shares. A SHELL in force (declared in the stage or in the stage it is
// built FROM) decides; without one, the default shell does (see
// BuildState.defaultPOSIX). The stage's tables hold the answer.
func (s *BuildState) posixShellAt(in *Instruction) bool {
	if in.Stage < 0 || in.Stage >= len(s.doc.Stages) {
		return true
	}
	x := s.Of(in)
	if x.st == nil {
		return s.defaultPOSIX(in.Stage)
	}
	return x.st.posix[x.st.at[x.pos].shell]
}

// stateInUse is the build state the document keeps (that of the options
// last asked for), else the state without build arguments.
func (d *Document) stateInUse() *BuildState {
	if s := d.state.Load(); s != nil {
		return s
	}
	return d.State(Options{})
}

// windowsImage reports whether an image reference names a Windows image,
// whose default shell is cmd: Microsoft's Windows images
// (mcr.microsoft.com/windows/servercore), and images named or tagged for
// a Server Core or Nano Server base (mcr.microsoft.com/powershell:lts-
// nanoserver-ltsc2022, python:3.12-windowsservercore).
func windowsImage(ref string) bool {
	r := strings.ToLower(ref)
	return strings.HasPrefix(r, "mcr.microsoft.com/windows") ||
		strings.Contains(r, "servercore") || strings.Contains(r, "nanoserver")
}
