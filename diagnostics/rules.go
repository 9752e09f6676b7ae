package diagnostics

import "github.com/dockerfile-ls/dockerfile-ls/buildkitcheck"

// ourRules is the one list of dockerfile-ls's own rules. Adding a rule means
// writing its file (with testdata and a docs page) and adding it here.
var ourRules = []*Rule{
	parseErrorRule,
	instructionErrorRule,
	frontendRule,
	copyBeforeInstall,
}

// Rules lists every rule dockerfile-ls reports: its own, then BuildKit's.
func Rules() []*Rule {
	out := append([]*Rule(nil), ourRules...)
	for _, r := range buildkitcheck.Rules() {
		out = append(out, &Rule{Name: r.Name, Category: BuildKit, Severity: Warning, Summary: r.Description, DocsURL: r.URL})
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
