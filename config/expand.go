package config

import (
	"strings"

	"github.com/compose-spec/compose-go/v2/template"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// composeVars are what Compose interpolates one file with (see
// composeEnv), and what its interpolations have cost so far: 30 lines of
// .env each doubling the one before (A1=${A0}${A0}) expand to 10 GB, and
// one Compose value can name a large variable thousands of times. Each
// expansion is bounded before it runs, against budget.MaxBuildFileValues.
type composeVars struct {
	env   map[string]string
	spent int
}

// expand interpolates s as Compose does (with its own template package);
// text it cannot expand (a required variable that is unset), or whose
// expansion would pass the budget, is kept as written.
func (c *composeVars) expand(s string) string {
	if len(s)+refsBound(s, c.size) > budget.MaxBuildFileValues-c.spent {
		return s
	}
	out, err := template.Substitute(s, c.lookup)
	if err != nil {
		return s
	}
	c.spent += len(out)
	return out
}

func (c *composeVars) lookup(name string) (string, bool) {
	v, ok := c.env[name]
	return v, ok
}

func (c *composeVars) size(name string) int { return len(c.env[name]) }

// refsBound bounds what the references in s add when expanded: the size of
// the variable each "$name" or "${name…" names (a default's references
// are references too; "$$" is counted, which only overestimates).
func refsBound(s string, size func(name string) int) int {
	n := 0
	for i := strings.IndexByte(s, '$'); i >= 0; i = strings.IndexByte(s, '$') {
		s = strings.TrimPrefix(s[i+1:], "{")
		end := 0
		for end < len(s) && dockerfile.IsNameByte(s[end], end == 0) {
			end++
		}
		n += size(s[:end])
		s = s[end:]
	}
	return n
}

// dotenvFits reports whether the values of the .env text expand to at
// most budget.MaxBuildFileValues, reading it as compose-go's dotenv parser
// does, without expanding anything: a statement starts at a byte that is
// not a space or a comment, its key ends at "=", ":" or the end of the
// line (then the value comes from env), and its value, from there, at the
// end of the line, or at the closing quote when it starts with one. Each
// value may hold its text and, for each reference, what the variable
// referred to holds: one defined before it, else env's.
func dotenvFits(text string, env map[string]string) bool {
	sizes := map[string]int{}
	size := func(name string) int {
		if n, ok := sizes[name]; ok {
			return n
		}
		return len(env[name])
	}
	total := 0
	for rest := text; ; {
		rest = strings.TrimLeft(rest, " \t\r\n")
		switch {
		case rest == "":
			return true
		case rest[0] == '#':
			_, rest, _ = strings.Cut(rest, "\n")
			continue
		}
		end := strings.IndexAny(rest, "=:\n")
		if end < 0 {
			return true
		}
		key := rest[:end] // after "export", if any
		if fields := strings.Fields(key); len(fields) > 0 {
			key = fields[len(fields)-1]
		}
		if rest[end] == '\n' {
			rest = rest[end+1:]
			continue
		}
		var value string
		value, rest = dotenvValue(strings.TrimLeft(rest[end+1:], " \t"))
		sizes[key] = len(value) + refsBound(value, size)
		if total += sizes[key]; total > budget.MaxBuildFileValues {
			return false
		}
	}
}

// dotenvValue splits off the value that starts s: to the closing quote
// (a backslash escapes the byte after it) when s starts with one, else to
// the end of the line.
func dotenvValue(s string) (value, rest string) {
	if s == "" || s[0] != '"' && s[0] != '\'' {
		value, rest, _ = strings.Cut(s, "\n")
		return value, rest
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case s[0]:
			return s[1:i], s[i+1:]
		}
	}
	return s, "" // unterminated: the parser fails on it
}
