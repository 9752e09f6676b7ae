package shell

import "strings"

// joinContinuations returns the text the shell runs for a RUN instruction
// and, for each of its bytes, the offset of that byte in script (plus one
// final entry for the end of the text).
//
// Why not let the shell parser handle backslash-newline: BuildKit joins the
// lines before the shell sees them, and the rules differ. BuildKit also joins
// inside single quotes, accepts blanks after the backslash, drops comment and
// empty lines in the middle of the instruction, and strips "\r" of CRLF files.
// Parsing the raw text would split commands where the build does not.
func joinContinuations(script string) (string, []int) {
	var b strings.Builder
	b.Grow(len(script))
	pos := make([]int, 0, len(script)+1)
	emit := func(from, to int) {
		b.WriteString(script[from:to])
		for i := from; i < to; i++ {
			pos = append(pos, i)
		}
	}
	inInstruction, first := true, true
	for start := 0; start < len(script); {
		end, next := lineBounds(script, start)
		line := script[start:end]
		switch {
		case !inInstruction:
			// Heredoc bodies are not joined; a "\r" before "\n" becomes a
			// blank so CRLF bodies parse like LF ones.
			emitVerbatim(&b, &pos, script, start, next)
		case !first && (isCommentLine(line) || strings.TrimSpace(line) == ""):
			// BuildKit drops these lines from a continued instruction.
		default:
			if cut, ok := continuation(line); ok {
				emit(start, start+cut)
			} else {
				emit(start, end)
				if next > end {
					b.WriteByte('\n')
					pos = append(pos, next-1)
				}
				inInstruction = false
			}
			first = false
		}
		start = next
	}
	pos = append(pos, len(script))
	return b.String(), pos
}

// lineBounds returns where the line starting at start ends (without its "\r\n"
// or "\n") and where the next line starts.
func lineBounds(s string, start int) (end, next int) {
	nl := strings.IndexByte(s[start:], '\n')
	if nl < 0 {
		end, next = len(s), len(s)
	} else {
		end, next = start+nl, start+nl+1
	}
	if end > start && s[end-1] == '\r' {
		end--
	}
	return end, next
}

// emitVerbatim copies script[from:to], turning a "\r" before "\n" into a blank.
func emitVerbatim(b *strings.Builder, pos *[]int, script string, from, to int) {
	for i := from; i < to; i++ {
		c := script[i]
		if c == '\r' && i+1 < len(script) && script[i+1] == '\n' {
			c = ' '
		}
		b.WriteByte(c)
		*pos = append(*pos, i)
	}
}

// continuation reports whether line ends with the escape character (optionally
// followed by blanks) and, if so, where the escape character is. Like
// BuildKit, an escaped escape character ("\\" at the end) does not continue.
func continuation(line string) (int, bool) {
	t := strings.TrimRight(line, " \t")
	if !strings.HasSuffix(t, `\`) {
		return 0, false
	}
	cut := len(t) - 1
	if cut > 0 && t[cut-1] == '\\' {
		return 0, false
	}
	return cut, true
}

// isCommentLine matches BuildKit's comment test: first non-blank is '#'.
func isCommentLine(line string) bool {
	t := strings.TrimLeft(line, " \t\v\f\r")
	return strings.HasPrefix(t, "#")
}
