package cachehistory

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// Ignore tells which paths of the build context the ignore file leaves
// out. *buildcontext.Context is one (today's ignore file, as `cache`
// reads it); an ignore file of another commit is read by parseIgnore.
type Ignore interface {
	Excluded(path string) bool
}

// patternIgnore is an ignore file read from a commit, matched as
// BuildKit's context transfer (fsutil) matches it: folder by folder from
// the root, each answer built on its parent's.
type patternIgnore struct {
	pm *patternmatcher.PatternMatcher
}

// parseIgnore reads an ignore file's text with BuildKit's parser; nil
// text (no ignore file) excludes nothing.
func parseIgnore(text []byte) (Ignore, error) {
	patterns, err := ignorefile.ReadAll(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parsing the ignore file: %w", err)
	}
	if len(patterns) == 0 {
		return noIgnore{}, nil
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, fmt.Errorf("the ignore file: %w", err)
	}
	return patternIgnore{pm: pm}, nil
}

func (x patternIgnore) Excluded(p string) bool {
	var info patternmatcher.MatchInfo
	matched := false
	parts := strings.Split(p, "/")
	for i := range parts {
		m, next, err := x.pm.MatchesUsingParentResults(strings.Join(parts[:i+1], "/"), info)
		if err != nil {
			return false // a pattern BuildKit rejects fails the build; exclude nothing
		}
		matched, info = m, next
	}
	return matched
}

// noIgnore excludes nothing: there is no ignore file.
type noIgnore struct{}

func (noIgnore) Excluded(string) bool { return false }
