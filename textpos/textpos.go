// Package textpos converts between byte offsets in a text and (line, column)
// positions counted in UTF-8 bytes, UTF-16 code units or Unicode code points.
//
// It is the one place in dockerfile-ls where positions are converted: the
// document model, the rules and the fixes all speak byte offsets, and only the
// edges (the LSP server, the CLI's output) ask this package for lines and
// columns. Lines end at "\n"; a "\r" before it belongs to the line ending, so a
// CRLF file has the same line numbers as an LF one. A UTF-8 byte order mark is
// ordinary text at offset 0 (editors count it as a character too, it is part
// of the buffer they send).
package textpos

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// Encoding says what one unit of a column is.
type Encoding int

const (
	// UTF16 counts UTF-16 code units: LSP's default; a character outside the
	// Basic Multilingual Plane (most emoji) is two units.
	UTF16 Encoding = iota
	// UTF8 counts bytes.
	UTF8
	// UTF32 counts Unicode code points (what a human calls characters).
	UTF32
)

// Pos is a zero-based line and a zero-based column in some Encoding.
type Pos struct {
	Line, Col int
}

// Lines indexes the start of every line of a text.
type Lines struct {
	text   []byte
	starts []int // starts[i] is the byte offset where line i begins
}

// NewLines indexes text. It keeps a reference to text, which must not change.
func NewLines(text []byte) *Lines {
	starts := make([]int, 1, 1+len(text)/32)
	for i, b := range text {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{text: text, starts: starts}
}

// Count is the number of lines; an empty text has one (empty) line, and a
// text ending in a newline has an empty last line.
func (l *Lines) Count() int { return len(l.starts) }

// Start is the byte offset where line begins.
func (l *Lines) Start(line int) int { return l.starts[line] }

// End is the byte offset where line ends, before its "\n" or "\r\n".
func (l *Lines) End(line int) int {
	end := len(l.text)
	if line+1 < len(l.starts) {
		end = l.starts[line+1] - 1
		if end > l.starts[line] && l.text[end-1] == '\r' {
			end--
		}
	}
	return end
}

// LineOf is the line that holds the byte at offset (offsets past the end
// belong to the last line).
func (l *Lines) LineOf(offset int) int {
	return sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset }) - 1
}

// Pos converts a byte offset to a position. An offset inside a multi-byte
// character or past the end of its line is clamped to the nearest boundary
// before it.
func (l *Lines) Pos(offset int, enc Encoding) Pos {
	offset = max(0, min(offset, len(l.text)))
	line := l.LineOf(offset)
	start := l.starts[line]
	end := l.End(line)
	offset = start + runeBoundary(l.text[start:end], min(offset, end)-start)
	return Pos{Line: line, Col: units(l.text[start:offset], enc)}
}

// Offset converts a position to a byte offset. A column past the end of its
// line means the end of the line, as the LSP specification asks; a line past
// the end of the text is an error, as is a negative line or column.
func (l *Lines) Offset(p Pos, enc Encoding) (int, error) {
	if p.Line < 0 || p.Col < 0 {
		return 0, fmt.Errorf("position %d:%d is negative", p.Line, p.Col)
	}
	if p.Line >= len(l.starts) {
		return 0, fmt.Errorf("line %d is past the end of the text (%d lines)", p.Line, len(l.starts))
	}
	start, end := l.starts[p.Line], l.End(p.Line)
	return start + bytesFor(l.text[start:end], p.Col, enc), nil
}

// units counts the columns that b takes in enc. Invalid UTF-8 counts one
// unit per bad byte in every encoding, as editors that show them do.
func units(b []byte, enc Encoding) int {
	if enc == UTF8 {
		return len(b)
	}
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		n += runeUnits(r, size, enc)
		b = b[size:]
	}
	return n
}

// bytesFor is the number of bytes of b that the first col columns cover,
// never splitting a character.
func bytesFor(b []byte, col int, enc Encoding) int {
	if enc == UTF8 {
		col = min(col, len(b))
		return runeBoundary(b, col)
	}
	i, n := 0, 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		u := runeUnits(r, size, enc)
		if n+u > col {
			break
		}
		n += u
		i += size
	}
	return i
}

func runeUnits(r rune, size int, enc Encoding) int {
	if enc == UTF16 && r >= 0x10000 && size == 4 {
		return 2
	}
	return 1
}

// runeBoundary moves i back to the start of the character it falls inside,
// if any. A stray continuation byte is a character of its own (a unit in
// every encoding, see units), so a column just before one is a boundary.
func runeBoundary(b []byte, i int) int {
	for s := i - 1; s >= 0 && s >= i-utf8.UTFMax+1; s-- {
		if !utf8.RuneStart(b[s]) {
			continue
		}
		if r, size := utf8.DecodeRune(b[s:]); s+size > i && !(r == utf8.RuneError && size == 1) {
			return s
		}
		break
	}
	return i
}
