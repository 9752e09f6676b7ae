package diagnostics

import (
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// The shell's redirections, which the commands' words leave out: a RUN
// that writes `> config.js` or reads `< setup.sh` where a moved COPY
// writes must stay after that COPY (see copy_before_install_fix.go).

// redirectsCopied: a redirection of RUN in may read or write what a moved
// COPY writes: its target lands there, or its value or folder is unknown
// (a variable, a relative path after a cd).
func (mf *manifestsFirst) redirectsCopied(in *dockerfile.Instruction) bool {
	targets := redirectTargets(mf.p.Doc.Slice(in.Span))
	if len(targets) == 0 {
		return false
	}
	wd, ok := mf.workdir(in)
	cds := false
	for _, c := range commands(mf.bs, in) {
		cds = cds || c.Name() == "cd" || c.Name() == "pushd"
	}
	for _, t := range targets {
		switch {
		case strings.HasPrefix(t, "/dev/"):
		case strings.ContainsAny(t, "$`~*?[") || !ok:
			return true
		case !strings.HasPrefix(t, "/") && cds:
			return true
		case mf.writesAt(resolve(wd, t)):
			return true
		}
	}
	return false
}

// redirectTargets are the words after the redirection operators of a
// script (> x, >> x, < x, 2> x, &> x), quotes removed; not those of
// heredocs (<<), here-strings (<<<) or descriptors (2>&1).
func redirectTargets(script string) []string {
	var out []string
	var quote byte
	for i := 0; i < len(script); i++ {
		ch := script[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else if ch == '\\' && quote == '"' {
				i++
			}
			continue
		case ch == '\\':
			i++
			continue
		case ch == '\'' || ch == '"':
			quote = ch
			continue
		case ch != '>' && ch != '<':
			continue
		}
		if ch == '<' && strings.HasPrefix(script[i:], "<<") {
			i += len(script[i:]) - len(strings.TrimLeft(script[i:], "<")) - 1
			continue // a heredoc or here-string: its text is the script's
		}
		j := i + 1
		if j < len(script) && (script[j] == '>' || script[j] == '|') {
			j++
		}
		if j < len(script) && script[j] == '&' {
			i = j
			continue // to a descriptor
		}
		word, end := redirectWord(script, j)
		if word != "" {
			out = append(out, word)
		}
		i = end - 1
	}
	return out
}

// redirectWord is the word from i on, past blanks, quotes removed, and
// where it ends.
func redirectWord(script string, i int) (string, int) {
	for i < len(script) && (script[i] == ' ' || script[i] == '\t') {
		i++
	}
	var b strings.Builder
	var quote byte
	for ; i < len(script); i++ {
		ch := script[i]
		switch {
		case quote != 0 && ch == quote:
			quote = 0
		case quote != 0:
			b.WriteByte(ch)
		case ch == '\'' || ch == '"':
			quote = ch
		case strings.IndexByte(" \t\r\n;&|()<>", ch) >= 0:
			return b.String(), i
		default:
			b.WriteByte(ch)
		}
	}
	return b.String(), i
}
