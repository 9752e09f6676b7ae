package codeactions

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// TestFixersMatchRules checks the registry against the rules both ways: a
// fix kind a rule declares (Rule.Fixes) has a fixer, or the editor and
// check --fix silently offer nothing; a registered fixer is declared by a
// rule, or no finding ever reaches it.
func TestFixersMatchRules(t *testing.T) {
	declared := map[diagnostics.FixKind]bool{}
	for _, r := range diagnostics.Rules() {
		for _, kind := range r.Fixes {
			declared[kind] = true
			if fixers[kind] == nil {
				t.Errorf("rule %s declares fix %q, which has no registered fixer", r.Name, kind)
			}
			// A BuildKit finding carries no FixData: its kind is its rule's name.
			if r.Category == diagnostics.BuildKit && string(kind) != r.Name {
				t.Errorf("BuildKit rule %s declares fix %q: its findings can only reach the kind %q", r.Name, kind, r.Name)
			}
		}
	}
	for kind := range fixers {
		if !declared[kind] {
			t.Errorf("a fixer is registered for %q, which no rule declares in its Fixes", kind)
		}
	}
}

// TestSupersededByMountAreFixes: the size fixes a cache mount supersedes
// are named by their kinds; each must be a registered fix.
func TestSupersededByMountAreFixes(t *testing.T) {
	for kind := range supersededByMount {
		if fixers[kind] == nil {
			t.Errorf("supersededByMount names %q, which is no registered fix", kind)
		}
	}
}
