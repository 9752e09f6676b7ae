package config

import (
	"path"
	"slices"
	"strings"
)

// MatchPath reports whether the slash-separated path rel (relative to the
// folder that holds the pattern) is matched by a .gitignore-style pattern:
//
//   - "*", "?" and "[...]" match within one path segment, "**" matches any
//     number of segments (zero included);
//   - a pattern without a slash (a trailing one aside) matches a file or
//     folder name at any depth ("Dockerfile.prod", "node_modules/");
//   - a pattern with a slash is anchored to the folder ("/build",
//     "services/*/Dockerfile");
//   - a trailing slash matches folders only;
//   - a pattern that matches a folder matches everything under it.
//
// isDir says whether rel itself is a folder. Patterns are not negated here
// ("!" is the caller's business).
func MatchPath(pattern, rel string, isDir bool) bool {
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
	last := len(segs)
	if dirOnly && !isDir {
		last-- // the path itself is a file: only its folders can match
	}
	if !anchored {
		for _, seg := range segs[:last] {
			if ok, _ := path.Match(pattern, seg); ok {
				return true
			}
		}
		return false
	}
	prefixes := matchPrefixes(strings.Split(pattern, "/"), segs)
	return slices.Contains(prefixes[1:last+1], true)
}

// MatchGlob reports whether the slash-separated path rel is matched, as a
// whole, by pattern, where "**" matches any number of segments.
func MatchGlob(pattern, rel string) bool {
	pattern = strings.Trim(path.Clean("/"+pattern), "/")
	rel = strings.Trim(path.Clean("/"+rel), "/")
	segs := strings.Split(rel, "/")
	return matchPrefixes(strings.Split(pattern, "/"), segs)[len(segs)]
}

// matchPrefixes reports, for each n, whether the segment pattern pat
// matches segs[:n] as a whole. It is a dynamic programme over pattern
// segments: each "**" or glob segment is one pass over segs, so the cost
// is len(pat) × len(segs) segment matches whatever the pattern, where
// trying each split of the path at each "**" in turn costs exponential
// time ("**/a/" repeated against a deep path).
func matchPrefixes(pat, segs []string) []bool {
	// reach[j]: the pattern segments seen so far match segs[:j].
	reach := make([]bool, len(segs)+1)
	reach[0] = true
	for _, p := range pat {
		if p == "**" {
			for j := 1; j <= len(segs); j++ {
				reach[j] = reach[j] || reach[j-1]
			}
			continue
		}
		for j := len(segs); j >= 1; j-- {
			if reach[j-1] {
				reach[j], _ = path.Match(p, segs[j-1])
			} else {
				reach[j] = false
			}
		}
		reach[0] = false
	}
	return reach
}

// HasMeta reports whether s holds glob characters.
func HasMeta(s string) bool { return strings.ContainsAny(s, "*?[") }
