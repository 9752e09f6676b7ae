package diagnostics

import (
	"slices"

	"github.com/dockerfile-ls/dockerfile-ls/buildkitcheck"
)

// ourRules is the one list of dockerfile-ls's own rules, category by
// category (each category's list lives in rules_<category>.go). Adding a
// rule means writing its file, testdata and docs page, and adding it to
// its category's list.
var ourRules = slices.Concat(syntaxRules, cacheRules, sizeRules)

// syntaxRules report what stops BuildKit from building the file at all.
var syntaxRules = []*Rule{
	parseErrorRule,
	instructionErrorRule,
	frontendRule,
}

// Rules lists every rule dockerfile-ls reports: its own, then BuildKit's.
func Rules() []*Rule {
	out := append([]*Rule(nil), ourRules...)
	for _, r := range buildkitcheck.Rules() {
		url := r.URL
		if url == "" {
			url = DocsBase + r.Name + ".md" // BuildKit documents every rule but this one
		}
		out = append(out, &Rule{Name: r.Name, Category: BuildKit, Severity: Warning, Summary: r.Description, DocsURL: url})
	}
	return out
}

// Lookup finds a rule by name.
func Lookup(name string) *Rule {
	for _, r := range Rules() {
		if r.Name == name {
			return r
		}
	}
	return nil
}
