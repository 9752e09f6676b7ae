package config

import (
	"path"
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
	pat := strings.Split(pattern, "/")
	for n := 1; n <= len(segs); n++ {
		if dirOnly && n == len(segs) && !isDir {
			break
		}
		if anchored {
			if matchSegments(pat, segs[:n]) {
				return true
			}
		} else if ok, _ := path.Match(pattern, segs[n-1]); ok {
			return true
		}
	}
	return false
}

// MatchGlob reports whether the slash-separated path rel is matched, as a
// whole, by pattern, where "**" matches any number of segments.
func MatchGlob(pattern, rel string) bool {
	pattern = strings.Trim(path.Clean("/"+pattern), "/")
	rel = strings.Trim(path.Clean("/"+rel), "/")
	return matchSegments(strings.Split(pattern, "/"), strings.Split(rel, "/"))
}

func matchSegments(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return true
			}
			for i := 0; i <= len(segs); i++ {
				if matchSegments(pat, segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// HasMeta reports whether s holds glob characters.
func HasMeta(s string) bool { return strings.ContainsAny(s, "*?[") }
