package dockerfile

import (
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// scriptKey memoises a RUN's parsed script on the instruction.
type scriptKey struct{}

// Script is what a RUN executes, as the shell parser reads it, with offsets
// relative to the instruction's ArgsSpan.Start (add it for file offsets);
// nil for other instructions and when a SHELL of the stage names a shell
// that is not POSIX (PowerShell, cmd), where nothing should be read into
// it. Commands recovered from a script with a syntax error are kept. The
// escape directive is honoured: with "# escape=`" the backtick continues
// lines.
func (d *Document) Script(in *Instruction) *shell.Script {
	if in.Keyword != "RUN" || !d.posixShellAt(in) {
		return nil
	}
	script, _ := in.Derive(scriptKey{}, func() any {
		if in.JSONForm {
			args := make([]string, len(in.Args))
			for i, a := range in.Args {
				args[i] = a.Value
			}
			return shell.ParseExec(args)
		}
		// The text from the command to the end of the instruction:
		// continuation lines and heredoc bodies included, as the shell
		// package expects.
		s, _ := shell.Parse(d.shellText(in))
		return s
	}).(*shell.Script)
	return script
}

// shellText is the RUN's text from its command on, written with the
// shell package's continuation character: with another escape character,
// each continuation becomes a backslash and a backslash ending a line
// that does not continue becomes a blank (same length, so offsets hold).
func (d *Document) shellText(in *Instruction) string {
	text := d.Slice(Span{Start: in.ArgsSpan.Start, End: in.Span.End})
	if d.Escape == '\\' {
		return text
	}
	b := []byte(text)
	last := d.Lines.LineOf(max(in.ArgsSpan.End-1, in.ArgsSpan.Start))
	for line := d.Lines.LineOf(in.ArgsSpan.Start); line <= last; line++ {
		start, end := max(d.Lines.Start(line), in.ArgsSpan.Start), d.Lines.End(line)
		if end <= start {
			continue
		}
		t := d.Text[start:end]
		cut, more := Continuation(t, byte(d.Escape))
		i := end - 1
		for i > start && (d.Text[i] == ' ' || d.Text[i] == '\t' || d.Text[i] == '\r') {
			i--
		}
		switch {
		case more:
			b[start+cut-in.ArgsSpan.Start] = '\\'
		case d.Text[i] == '\\':
			b[i-in.ArgsSpan.Start] = ' '
		}
	}
	return string(b)
}

// posixShellAt reports whether the SHELL in force at in (the stage's
// latest before it) is a POSIX shell; the default, /bin/sh, is.
func (d *Document) posixShellAt(in *Instruction) bool {
	if in.Stage < 0 || in.Stage >= len(d.Stages) {
		return true
	}
	posix := true
	for _, other := range d.Stages[in.Stage].Shells {
		if other.Line > in.Line {
			break
		}
		if other.JSONForm {
			posix = shell.IsPOSIX(shellOf(other))
		}
	}
	return posix
}
