package buildcontext

import (
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/moby/patternmatcher"
)

// rule is one ignore pattern. Whether it matches a path is always decided
// by BuildKit's own code (patternmatcher, with the pattern alone), but only
// after the path has passed the pattern's need, so that a path the pattern
// cannot match costs a few string comparisons instead of a regular
// expression run. Without it a 65 KB .dockerignore took minutes per load:
// every path was run through every pattern's expression.
type rule struct {
	alone     *patternmatcher.PatternMatcher
	exclusion bool // a "!" pattern
	need      need
}

// newRule compiles the pattern p as patternmatcher.New would, p being one
// of the patterns given to it; ok is false for a blank p, which New skips.
func newRule(p string) (r rule, ok bool, err error) {
	if strings.TrimSpace(p) == "" {
		return rule{}, false, nil
	}
	alone, err := patternmatcher.New([]string{p})
	if err != nil {
		return rule{}, false, err
	}
	pat := alone.Patterns()[0]
	r = rule{alone: alone, exclusion: pat.Exclusion()}
	if os.PathSeparator != '/' {
		return r, true, nil // needs are worked out on slash-separated patterns
	}
	// "**/**" matches what "**" does, but as a regular expression each
	// repetition costs time on every path: 1,600 of them took 1.3 ms a path.
	if short := collapseDoubleStars(pat.String()); short != pat.String() {
		r.alone = shorterEquivalent(r, short)
	}
	r.need = needOf(r.alone.Patterns()[0].String())
	return r, true, nil
}

// shorterEquivalent is r's pattern as short, when patternmatcher keeps
// short as it is; r's own matcher otherwise.
func shorterEquivalent(r rule, short string) *patternmatcher.PatternMatcher {
	text := short
	if r.exclusion {
		text = "!" + short
	}
	pm, err := patternmatcher.New([]string{text})
	if err != nil || len(pm.Patterns()) != 1 || pm.Patterns()[0].String() != short || pm.Patterns()[0].Exclusion() != r.exclusion {
		return r.alone
	}
	return pm
}

// collapseDoubleStars turns runs of "**" segments into one.
func collapseDoubleStars(p string) string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s == "**" && len(out) > 0 && out[len(out)-1] == "**" {
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, "/")
}

// matches reports whether the pattern alone matches rel, as
// patternmatcher evaluates one pattern: rel or, for the parents, nothing
// (the caller carries parent results). MatchesUsingParentResult is the
// one public way to run a single pattern; it is deprecated for the way it
// carries parent results, which is not used here (one pattern, a fixed
// starting value).
func (r *rule) matches(rel string) (bool, error) {
	// With parentMatched equal to its exclusion flag, the pattern is
	// evaluated and the answer is flipped exactly when it matches.
	m, err := r.alone.MatchesUsingParentResult(rel, r.exclusion)
	return m != r.exclusion, err
}

// need is what a path must be like for a pattern to match it, worked out
// from the pattern's text. Each condition is necessary, never sufficient:
// a path that meets them all is still matched by patternmatcher.
type need struct {
	known        bool   // false: nothing is known, every path is evaluated
	prefix       string // every match starts with it
	minSlashes   int    // every match has at least this many "/"
	exactSlashes bool   // and exactly that many (no "**" in the pattern)
	name         string // path.Match glob every match's last segment fits, "" when none is known
	// nameParts are name's literal runs, which a fitting segment holds in
	// this order: the first starts it and the last ends it ("" when name
	// starts or ends with a wildcard). Comparing them fails much faster
	// than path.Match, and most segments fail.
	nameParts []string
	// nameBytes are the ASCII bytes of nameParts: a segment that lacks
	// one cannot fit, which two AND-NOTs tell before anything else.
	nameBytes byteSet
}

// byteSet is a set of ASCII bytes.
type byteSet [2]uint64

// bytesOf is the set of the ASCII bytes in s.
func bytesOf(s string) byteSet {
	var set byteSet
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 128 {
			set[b>>6] |= 1 << (b & 63)
		}
	}
	return set
}

// within reports whether every byte of s is in t.
func (s *byteSet) within(t *byteSet) bool { return s[0]&^t[0] == 0 && s[1]&^t[1] == 0 }

// allows reports whether rel, with that many slashes and last segment
// name, meets the need.
func (n *need) allows(rel string, slashes int, name string) bool {
	if !n.known {
		return true
	}
	if !strings.HasPrefix(rel, n.prefix) || slashes < n.minSlashes || (n.exactSlashes && slashes != n.minSlashes) {
		return false
	}
	if n.name == "" {
		return true
	}
	if !holdsParts(name, n.nameParts) {
		return false
	}
	ok, _ := path.Match(n.name, name)
	return ok
}

// holdsParts reports whether s could fit a glob whose literal runs are
// parts (see need.nameParts): s is the only part, or starts with the
// first, ends with the last and holds the others between, in order and
// without overlap.
func holdsParts(s string, parts []string) bool {
	if len(parts) == 1 {
		return s == parts[0]
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

// allowsBelow reports whether some path below the directory dirSlash
// (its path and a "/"), which has that many slashes, may meet the need.
func (n *need) allowsBelow(dirSlash string, slashes int) bool {
	if !n.known {
		return true
	}
	if !strings.HasPrefix(n.prefix, dirSlash) && !strings.HasPrefix(dirSlash, n.prefix) {
		return false
	}
	return !n.exactSlashes || n.minSlashes > slashes
}

// token is one piece of a pattern as patternmatcher compiles it.
type token struct {
	kind tokenKind
	r    rune // for a literal
}

type tokenKind uint8

const (
	literal   tokenKind = iota // one character other than "/"
	slash                      // "/"
	star                       // "*": [^/]*
	question                   // "?": [^/]
	anyDirs                    // "**" not at the end: (.*/)?, eating the "/" after it
	anyDirsNS                  // the same with no "/" after it ("a**b")
	anyTail                    // "**" at the end: .*
)

// needOf works out the need of a cleaned, slash-separated pattern. Only
// patterns made of literals, "/", "*", "?", "**" and simple brackets are
// understood: other brackets, backslashes and "^" go into patternmatcher's
// regular expression as they are, and text/scanner alters NUL, BOM and
// invalid UTF-8, so for those nothing is known. The needs hold for the
// regular expression and for the one shape patternmatcher matches
// otherwise, "**" then literals with no "/" right after it, matched as a
// plain suffix ("**foo" matches "xfoo"): no prefix, and no name (see
// lastName).
func needOf(p string) need {
	if !utf8.ValidString(p) || strings.ContainsAny(p, "\\^\x00\ufeff\ufffd") {
		return need{}
	}
	toks, ok := tokenize(p)
	if !ok {
		return need{}
	}
	n := need{known: true, exactSlashes: true}
	prefixDone := false
	var prefix strings.Builder
	for _, t := range toks {
		switch t.kind {
		case literal, slash:
			if !prefixDone {
				prefix.WriteRune(t.r)
			}
			if t.kind == slash {
				n.minSlashes++
			}
			continue
		case anyDirs, anyDirsNS, anyTail:
			n.exactSlashes = false
		}
		prefixDone = true
	}
	n.prefix = prefix.String()
	n.name = lastName(toks)
	if n.name != "" {
		n.nameParts = nameParts(n.name)
		n.nameBytes = bytesOf(strings.Join(n.nameParts, ""))
	}
	return n
}

// tokenize splits a pattern as patternmatcher's compile reads it; ok is
// false for a bracket that is not simple (see simpleClass).
func tokenize(p string) (toks []token, ok bool) {
	for i := 0; i < len(p); {
		r, w := utf8.DecodeRuneInString(p[i:])
		i += w
		switch {
		case r == '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 || !simpleClass(p[i:i+end]) {
				return nil, false
			}
			i += end + 1
			toks = append(toks, token{kind: question}) // one character, never "/"
		case r == ']':
			return nil, false
		case r == '*' && i < len(p) && p[i] == '*':
			i++
			ateSlash := i < len(p) && p[i] == '/'
			if ateSlash {
				i++
			}
			switch {
			case i == len(p):
				toks = append(toks, token{kind: anyTail})
			case ateSlash:
				toks = append(toks, token{kind: anyDirs})
			default:
				toks = append(toks, token{kind: anyDirsNS})
			}
		case r == '*':
			toks = append(toks, token{kind: star})
		case r == '?':
			toks = append(toks, token{kind: question})
		case r == '/':
			toks = append(toks, token{kind: slash, r: r})
		default:
			toks = append(toks, token{kind: literal, r: r})
		}
	}
	return toks, true
}

// simpleClass reports whether the text between "[" and "]" is a class
// that matches exactly one character and never "/" in the regular
// expression patternmatcher makes of it: ASCII letters, digits, "." and
// "_", and ranges of them in order ("a-z"); no "^", no other character,
// nothing Go's regexp would reject.
func simpleClass(class string) bool {
	plain := func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_'
	}
	if class == "" {
		return false
	}
	for i := 0; i < len(class); i++ {
		if !plain(class[i]) {
			return false
		}
		if i+2 < len(class) && class[i+1] == '-' {
			if !plain(class[i+2]) || class[i+2] < class[i] {
				return false
			}
			i += 2
		}
	}
	return true
}

// nameParts splits a glob of literals, "*" and "?" into its literal runs,
// with "" first or last when it starts or ends with a wildcard.
func nameParts(glob string) []string {
	wildcard := func(r rune) bool { return r == '*' || r == '?' }
	parts := strings.FieldsFunc(glob, wildcard)
	if r, _ := utf8.DecodeRuneInString(glob); wildcard(r) {
		parts = append([]string{""}, parts...)
	}
	if r, _ := utf8.DecodeLastRuneInString(glob); wildcard(r) {
		parts = append(parts, "")
	}
	return parts
}

// lastName is the glob a match's last segment fits: the pattern's last
// segment, when it holds only literals, "*" and "?" and starts where a
// path segment must start (after a "/", at the start, or after "**/" that
// is itself at one of those; not after "**" with no "/", which matches
// inside a segment). "" when there is no such segment.
func lastName(toks []token) string {
	start := len(toks)
	for start > 0 && (toks[start-1].kind == literal || toks[start-1].kind == star || toks[start-1].kind == question) {
		start--
	}
	if start == len(toks) {
		return ""
	}
	before := start - 1
	for before >= 0 && toks[before].kind == anyDirs {
		before--
	}
	if before >= 0 && toks[before].kind != slash {
		return ""
	}
	var b strings.Builder
	for _, t := range toks[start:] {
		switch t.kind {
		case star:
			b.WriteByte('*')
		case question:
			b.WriteByte('?')
		default:
			b.WriteRune(t.r)
		}
	}
	return b.String()
}
