package config

import (
	"math"
	"math/rand/v2"
	"path"
	"strings"
	"testing"
	"time"
)

// TestMatchIsPolynomial: "**/a/" repeated against a path 40 folders deep
// took exponential time when each "**" tried every split of the path in
// turn; a pattern × path pass answers at once.
func TestMatchIsPolynomial(t *testing.T) {
	pattern := strings.Repeat("**/a/", 12)
	deep := strings.Repeat("a/", 40) + "Dockerfile"
	const deadline = 10 * time.Millisecond
	checks := []struct {
		name string
		run  func() bool
		want bool
	}{
		{"MatchPath of a file", func() bool { return MatchPath(pattern, deep, false) }, true},
		{"MatchPath of a folder", func() bool { return MatchPath(pattern, deep, true) }, true},
		{"MatchGlob", func() bool { return MatchGlob(pattern+"Dockerfile", deep) }, true},
		{"MatchGlob without a match", func() bool { return MatchGlob(pattern+"b", deep) }, false},
		{"MatchPath without a match", func() bool { return MatchPath(pattern+"b/", deep, false) }, false},
	}
	for _, c := range checks {
		done := make(chan bool, 1)
		go func() { done <- c.run() }()
		select {
		case got := <-done:
			if got != c.want {
				t.Errorf("%s = %v, want %v", c.name, got, c.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not finish in 10 s", c.name)
		}
		// The best of a few runs: one run on a busy machine may wait for
		// a core longer than the matching takes.
		best := time.Duration(math.MaxInt64)
		for range 5 {
			start := time.Now()
			c.run()
			best = min(best, time.Since(start))
		}
		if best > deadline {
			t.Errorf("%s took %v, more than %v", c.name, best, deadline)
		}
	}
}

// TestMatchAgreesWithBacktracking compares the matcher with the obvious
// backtracking one on small random patterns and paths, where backtracking
// is quick.
func TestMatchAgreesWithBacktracking(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 18))
	segments := []string{"**", "*", "a", "b", "a*", "?", "[ab]", ""}
	names := []string{"a", "b", "ab", "c"}
	for range 20000 {
		var pat, rel []string
		for range 1 + rng.IntN(5) {
			pat = append(pat, segments[rng.IntN(len(segments))])
		}
		for range 1 + rng.IntN(6) {
			rel = append(rel, names[rng.IntN(len(names))])
		}
		p, r := strings.Join(pat, "/"), strings.Join(rel, "/")
		if got, want := MatchGlob(p, r), backtrackGlob(p, r); got != want {
			t.Fatalf("MatchGlob(%q, %q) = %v, backtracking says %v", p, r, got, want)
		}
		for _, dirOnly := range []string{"", "/"} {
			for _, isDir := range []bool{false, true} {
				if got, want := MatchPath(p+dirOnly, r, isDir), backtrackPath(p+dirOnly, r, isDir); got != want {
					t.Fatalf("MatchPath(%q, %q, %v) = %v, backtracking says %v", p+dirOnly, r, isDir, got, want)
				}
			}
		}
	}
}

// backtrackPath is MatchPath as it was written before: correct, and
// exponential in the number of "**".
func backtrackPath(pattern, rel string, isDir bool) bool {
	pattern = strings.TrimPrefix(pattern, "./")
	dirOnly := strings.HasSuffix(pattern, "/")
	pattern = strings.TrimRight(pattern, "/")
	if pattern == "" || pattern == "." {
		return false
	}
	anchored := strings.Contains(pattern, "/")
	pattern = strings.TrimPrefix(pattern, "/")
	rel = strings.Trim(path.Clean("/"+rel), "/")
	if rel == "" {
		return false
	}
	segs := strings.Split(rel, "/")
	for n := 1; n <= len(segs); n++ {
		if dirOnly && n == len(segs) && !isDir {
			break
		}
		if anchored {
			if backtrackSegments(strings.Split(pattern, "/"), segs[:n]) {
				return true
			}
		} else if ok, _ := path.Match(pattern, segs[n-1]); ok {
			return true
		}
	}
	return false
}

func backtrackGlob(pattern, rel string) bool {
	pattern = strings.Trim(path.Clean("/"+pattern), "/")
	rel = strings.Trim(path.Clean("/"+rel), "/")
	return backtrackSegments(strings.Split(pattern, "/"), strings.Split(rel, "/"))
}

func backtrackSegments(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if backtrackSegments(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, _ := path.Match(pat[0], segs[0])
	return ok && backtrackSegments(pat[1:], segs[1:])
}
