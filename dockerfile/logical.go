package dockerfile

import "bytes"

// Logical is a command with its continuation lines joined as BuildKit
// joins them (escape character and line break removed, comment and empty
// lines inside the continuation dropped), mapped back to file offsets. The
// model builds instructions from it; editing features read the words
// around the cursor from it. A one-line command shares the document's
// bytes: Text is read-only.
type Logical struct {
	Text []byte
	End  int // file offset just after the last byte taken
	Last int // zero-based line of the last byte taken

	segs []segment // in order; segs[k] maps Text[at:] to the file from start
}

type segment struct{ at, start int }

// JoinLines joins the command starting at from (an offset on line first)
// until its last continuation line, stopping early at limit (a file
// offset: the cursor, or the end of the instruction).
func JoinLines(doc *Document, first, from, limit int) *Logical {
	l := &Logical{End: from, Last: first}
	esc := byte(doc.Escape)
	for line := first; line < doc.Lines.Count(); line++ {
		start, end := doc.Lines.Start(line), doc.Lines.End(line)
		if line == first {
			start = min(from, end)
		} else if SkippedLine(doc.Text[start:end]) {
			if start >= limit {
				break
			}
			continue
		}
		if start > limit {
			break
		}
		cut, more := Continuation(doc.Text[start:end], esc)
		stop := min(start+cut, limit)
		if len(l.segs) == 1 {
			// A second line: stop sharing the document's bytes.
			l.Text = append(make([]byte, 0, 2*len(l.Text)+stop-start), l.Text...)
		}
		l.segs = append(l.segs, segment{at: len(l.Text), start: start})
		if len(l.segs) == 1 {
			l.Text = doc.Text[start:stop:stop]
		} else {
			l.Text = append(l.Text, doc.Text[start:stop]...)
		}
		l.End, l.Last = stop, line
		if !more || stop < start+cut {
			break
		}
	}
	if len(l.segs) == 0 {
		l.segs = []segment{{0, from}}
	}
	return l
}

// SkippedLine reports whether a line inside a continuation is dropped by
// BuildKit: empty (blanks only) or a comment.
func SkippedLine(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\v\f")
	return len(t) == 0 || t[0] == '#'
}

// Start is the file offset where the command starts.
func (l *Logical) Start() int { return l.segs[0].start }

// Offset is the file offset of Text[i] (End for i == len(Text)).
func (l *Logical) Offset(i int) int {
	if i >= len(l.Text) {
		return l.End
	}
	// The last segment that starts at or before Text[i]: a binary search,
	// since a hostile instruction has 100,000 continuation lines.
	lo, hi := 0, len(l.segs)
	for lo < hi {
		if m := int(uint(lo+hi) >> 1); l.segs[m].at <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	k := max(0, lo-1)
	return l.segs[k].start + max(0, i-l.segs[k].at)
}

// Span maps the logical range [i, j) to a file span.
func (l *Logical) Span(i, j int) Span {
	if j <= i {
		o := l.Offset(i)
		return Span{Start: o, End: o}
	}
	return Span{Start: l.Offset(i), End: l.Offset(j-1) + 1}
}

// Index is the first logical index whose file offset is at or after off.
func (l *Logical) Index(off int) int {
	// The last segment that starts at or before off, as in Offset.
	lo, hi := 0, len(l.segs)
	for lo < hi {
		if m := int(uint(lo+hi) >> 1); l.segs[m].start <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	k := lo - 1
	if k < 0 {
		return 0
	}
	next := len(l.Text)
	if k+1 < len(l.segs) {
		next = l.segs[k+1].at
	}
	return min(l.segs[k].at+off-l.segs[k].start, next)
}

// appendOffsets appends to dst, for each byte of Text in order, its file
// offset minus base: the offset map the shell parser needs for a joined
// script, built in one pass.
func (l *Logical) appendOffsets(dst []int, base int) []int {
	for k, sg := range l.segs {
		end := len(l.Text)
		if k+1 < len(l.segs) {
			end = l.segs[k+1].at
		}
		for i := sg.at; i < end; i++ {
			dst = append(dst, sg.start+i-sg.at-base)
		}
	}
	return dst
}

// Continuation reports whether line ends with the escape character (and
// optional blanks), BuildKit's line-continuation rule, and where the
// content before it ends. The editing features use it too, so the model
// and they never disagree on where an instruction ends.
func Continuation(line []byte, escape byte) (cut int, more bool) {
	i := len(line)
	for i > 0 && (line[i-1] == ' ' || line[i-1] == '\t') {
		i--
	}
	if i == 0 || line[i-1] != escape {
		return len(line), false
	}
	// BuildKit's regexp needs a character other than the escape before it,
	// or the escape alone on its line.
	if i >= 2 && line[i-2] == escape {
		return len(line), false
	}
	return i - 1, true
}
