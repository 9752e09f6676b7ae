package buildcontext

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moby/patternmatcher"
)

// referenceChain is how the walk matched before rules had needs: every
// component of rel through patternmatcher, carrying MatchInfo, as fsutil
// does. The last component is matched as a directory when asDir.
func referenceChain(pm *patternmatcher.PatternMatcher, rel string) (bool, error) {
	var info patternmatcher.MatchInfo
	parts := strings.Split(rel, "/")
	for i := range parts {
		m, next, err := pm.MatchesUsingParentResults(strings.Join(parts[:i+1], "/"), info)
		if err != nil || i == len(parts)-1 {
			return m, err
		}
		info = next
	}
	panic("unreachable")
}

// ruleChain is referenceChain through the excluder, the last component
// matched as a directory when asDir.
func ruleChain(x *excluder, rel string, asDir bool) (bool, error) {
	d := x.top()
	parts := strings.Split(rel, "/")
	for i := range parts {
		last := i == len(parts)-1
		m, next, err := x.match(strings.Join(parts[:i+1], "/"), d, !last || asDir)
		if err != nil || last {
			return m, err
		}
		d = next
	}
	panic("unreachable")
}

// TestRulesAgreeWithPatternmatcher: the needs only ever skip patterns that
// cannot match, so every answer, error included, is patternmatcher's.
func TestRulesAgreeWithPatternmatcher(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2))
	pieces := []string{"**", "*", "?", "a", "b", "ab", "a*", "*b", "**a", "a**", "[ab]", "[a-b]b", "[b-a]", "[^a]", "[.]", `\a`, "^a", "é", ".", "..", "!", " "}
	names := []string{"a", "b", "ab", "ba", "aab", "é", "!a", "a b"}
	for n := range 10000 {
		var patterns []string
		for range 1 + rng.IntN(8) {
			var segs []string
			for range 1 + rng.IntN(4) {
				segs = append(segs, pieces[rng.IntN(len(pieces))])
			}
			p := strings.Join(segs, "/")
			if len(patterns) > 0 && rng.IntN(3) == 0 {
				// Again, as it is or with "!" switched: rules of one text
				// share their answer for a path.
				p = strings.TrimPrefix(patterns[rng.IntN(len(patterns))], "!")
			}
			if rng.IntN(3) == 0 {
				p = "!" + p
			}
			patterns = append(patterns, p)
		}
		var segs []string
		for range 1 + rng.IntN(5) {
			segs = append(segs, names[rng.IntN(len(names))])
		}
		rel := strings.Join(segs, "/")
		pm, err := patternmatcher.New(patterns)
		x, xerr := newExcluder(patterns)
		if (err != nil) != (xerr != nil) {
			t.Fatalf("%q: patternmatcher.New error %v, newExcluder error %v", patterns, err, xerr)
		}
		if err != nil || x == nil {
			continue
		}
		want, wantErr := referenceChain(pm, rel)
		for _, asDir := range []bool{false, true} {
			got, gotErr := ruleChain(x, rel, asDir)
			if got != want || (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("case %d: patterns %q, path %q (as dir: %v): excluded %v (%v), patternmatcher says %v (%v)",
					n, patterns, rel, asDir, got, gotErr, want, wantErr)
			}
		}
	}
}

// TestNeedOf pins the needs of the pattern shapes that matter.
func TestNeedOf(t *testing.T) {
	cases := []struct {
		pattern string
		want    need
	}{
		{"node_modules", need{known: true, prefix: "node_modules", exactSlashes: true, name: "node_modules", nameParts: []string{"node_modules"}, nameBytes: bytesOf("node_modules")}},
		{"**/*.log", need{known: true, name: "*.log", nameParts: []string{"", ".log"}, nameBytes: bytesOf(".log")}},
		{"**/a/**/b*", need{known: true, minSlashes: 1, name: "b*", nameParts: []string{"b", ""}, nameBytes: bytesOf("b")}},
		{"**/a?b*c", need{known: true, name: "a?b*c", nameParts: []string{"a", "b", "c"}, nameBytes: bytesOf("abc")}},
		{"**/*", need{known: true, name: "*", nameParts: []string{"", ""}}},
		{"src/**", need{known: true, prefix: "src/", minSlashes: 1}},
		{"a**b", need{known: true, prefix: "a"}},
		{"**foo", need{known: true}}, // matched as a plain suffix: no name
		{"[ab]/c", need{known: true, minSlashes: 1, exactSlashes: true, name: "c", nameParts: []string{"c"}, nameBytes: bytesOf("c")}},
		{"**/[Dd]ocker*", need{known: true, name: "?ocker*", nameParts: []string{"", "ocker", ""}, nameBytes: bytesOf("ocker")}},
		{"a/[^b]", need{}},  // a bracket beyond letters, digits and ranges is regular-expression text
		{"a/[b-a]", need{}}, // and so is one Go's regexp rejects
		{"a/[b/]c", need{}},
		{"a/b]", need{}},
		{"a/^b", need{}}, // so is "^"
		{`a/\*`, need{}}, // and a backslash
		{"a/?/c", need{known: true, prefix: "a/", minSlashes: 2, exactSlashes: true, name: "c", nameParts: []string{"c"}, nameBytes: bytesOf("c")}},
	}
	for _, c := range cases {
		if got := needOf(c.pattern); !reflect.DeepEqual(got, c.want) {
			t.Errorf("needOf(%q) = %+v, want %+v", c.pattern, got, c.want)
		}
	}
}

// hostileTree is files files spread over 20 × 50 folders, named f<n>.go,
// listed in memory so that loads measure the matching.
func hostileTree(files int) dirReader {
	listings := map[string][]fs.DirEntry{}
	add := func(dir, name string, mode fs.FileMode) {
		listings[dir] = append(listings[dir], fs.FileInfoToDirEntry(memInfo{name, mode}))
	}
	for d := range 20 {
		top := fmt.Sprintf("d%02d", d)
		add(".", top, fs.ModeDir)
		for s := range 50 {
			add(top, fmt.Sprintf("s%02d", s), fs.ModeDir)
		}
	}
	for i := range files {
		add(fmt.Sprintf("d%02d/s%02d", i%20, (i/20)%50), fmt.Sprintf("f%05d.go", i), 0)
	}
	return func(rel string) ([]fs.DirEntry, error) { return listings[rel], nil }
}

// memInfo is a one-byte file or an empty folder.
type memInfo struct {
	name string
	mode fs.FileMode
}

func (m memInfo) Name() string       { return m.name }
func (m memInfo) Size() int64        { return 1 }
func (m memInfo) Mode() fs.FileMode  { return m.mode }
func (m memInfo) ModTime() time.Time { return time.Time{} }
func (m memInfo) IsDir() bool        { return m.mode.IsDir() }
func (m memInfo) Sys() any           { return nil }

// hostileIgnoreFile is a 65 KB ignore file, and the error its load
// must end with (nil: the load succeeds and includes every file).
type hostileIgnoreFile struct {
	patterns []string
	wantErr  error
}

// hostileIgnoreFiles are 65 KB ignore files of "**/" patterns over
// hostileTree: most match nothing, so that every path goes through every
// pattern; some alternate with "!" so that every pattern changes the
// answer; the last defeats every shortcut and must hit the budget.
func hostileIgnoreFiles() map[string]hostileIgnoreFile {
	const size = 65 << 10
	fill := func(line func(i int) string) []string {
		var out []string
		for i, n := 0, 0; n < size; i++ {
			l := line(i)
			out = append(out, l)
			n += len(l) + 1
		}
		return out
	}
	// alternate ends on a "!" line: every file is included again.
	alternate := func(line func(i int) string) []string {
		out := fill(func(i int) string {
			if i%2 == 1 {
				return "!" + line(i)
			}
			return line(i)
		})
		if len(out)%2 == 1 {
			out = append(out, "!"+line(len(out)))
		}
		return out
	}
	return map[string]hostileIgnoreFile{
		"distinct **/x<n>*":          {fill(func(i int) string { return fmt.Sprintf("**/x%d*", i) }), nil},
		"**/a/**/b/**/c*":            {fill(func(int) string { return "**/a/**/b/**/c*" }), nil},
		"**/ x 2,000 then x":         {[]string{strings.Repeat("**/", 2000) + "x"}, nil},
		"**/*x<n>*":                  {fill(func(i int) string { return fmt.Sprintf("**/*x%d*", i) }), nil},
		"**/[x]<n>*":                 {fill(func(i int) string { return fmt.Sprintf("**/[x]%d*", i) }), nil},
		"!**/x<n>* only":             {fill(func(i int) string { return fmt.Sprintf("!**/x%d*", i) }), nil},
		"**/*.go, !**/*.go, …":       {alternate(func(int) string { return "**/*.go" }), nil},
		"**/*[g<n>]o, !…":            {alternate(func(i int) string { return fmt.Sprintf("**/*[g%d]o", i) }), nil},
		"**/d0*, !**/d0*, **/d1*, …": {alternate(func(i int) string { return fmt.Sprintf("**/d%d*", i/2%2) }), nil},
		"**/[^f]x<n>*":               {fill(func(i int) string { return fmt.Sprintf("**/[^f]x%d*", i) }), ErrIgnoreTooCostly},
	}
}

// BenchmarkHostileIgnoreFile measures one load per shape.
func BenchmarkHostileIgnoreFile(b *testing.B) {
	readDir := hostileTree(20000)
	for name, f := range hostileIgnoreFiles() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := build(context.Background(), readDir, f.patterns); !errors.Is(err, f.wantErr) {
					b.Fatal(err)
				}
			}
		})
	}
}
