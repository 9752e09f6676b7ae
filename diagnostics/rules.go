package diagnostics

import (
	"slices"
	"sync"

	"github.com/dockerfile-ls/dockerfile-ls/buildkitcheck"
)

// ourRules is the one list of dockerfile-ls's own rules, category by
// category (each category's list lives in rules_<category>.go). Adding a
// rule means writing its file, testdata and docs page, and adding it to
// its category's list with the fixes it offers and its hadolint codes.
var ourRules = slices.Concat(syntaxRules, cacheRules, sizeRules)

// syntaxRules report what stops BuildKit from building the file at all.
// hadolint reports any parse failure as DL1000.
var syntaxRules = []*Rule{
	parseErrorRule.withHadolint("DL1000"),
	instructionErrorRule.withHadolint("DL1000"),
	frontendRule,
	expansionBudgetRule,
	analysisBudgetRule,
	missingYesFlag.withFixes(AddYesFlag).withHadolint("DL3014", "DL3030", "DL3038", "DL3034"),
	pipeWithoutPipefail.withFixes(BashPipefail).withHadolint("DL4006"),
	copySourcesToFile.withFixes(AddDestSlash).withHadolint("DL3021"),
	copyFromUnknownStage.withFixes(UseStageName).withHadolint("DL3022"),
	execFormSingleQuotes.withFixes(DoubleQuoteExecForm),
}

// withFixes declares the kinds of fix r's findings can carry.
func (r *Rule) withFixes(kinds ...FixKind) *Rule {
	r.Fixes = kinds
	return r
}

// withHadolint declares the hadolint codes that report r's problem.
func (r *Rule) withHadolint(codes ...string) *Rule {
	r.Hadolint = codes
	return r
}

// buildkitAdditions is what dockerfile-ls adds to BuildKit's rules, whose
// names, descriptions and URLs come from BuildKit (buildkitcheck.Rules).
var buildkitAdditions = map[string]struct {
	fixes    []FixKind
	hadolint []string
}{
	"ConsistentInstructionCasing":    {fixes: []FixKind{MatchInstructionCasing}},
	"FromAsCasing":                   {fixes: []FixKind{MatchFromAsCasing}},
	"StageNameCasing":                {fixes: []FixKind{LowercaseStageName}},
	"JSONArgsRecommended":            {fixes: []FixKind{CmdExecForm}, hadolint: []string{"DL3025"}},
	"LegacyKeyValueFormat":           {fixes: []FixKind{KeyEqualsValue}},
	"MaintainerDeprecated":           {fixes: []FixKind{MaintainerToLabel}, hadolint: []string{"DL4000"}},
	"WorkdirRelativePath":            {hadolint: []string{"DL3000"}},
	"DuplicateStageName":             {hadolint: []string{"DL3024"}},
	"MultipleInstructionsDisallowed": {hadolint: []string{"DL4003", "DL4004", "DL3012"}},
}

// buildkitRules are BuildKit's checks as rules.
func buildkitRules() []*Rule {
	var out []*Rule
	for _, r := range buildkitcheck.Rules() {
		url := r.URL
		if url == "" {
			url = DocsBase + r.Name + ".md" // BuildKit documents every rule but this one
		}
		add := buildkitAdditions[r.Name]
		out = append(out, &Rule{Name: r.Name, Category: BuildKit, Severity: Warning, Summary: r.Description, DocsURL: url,
			Fixes: add.fixes, Hadolint: add.hadolint})
	}
	return out
}

// allRules and rulesByName are built once: the analysis looks rules up on
// every keystroke.
var (
	allRules    = sync.OnceValue(func() []*Rule { return slices.Concat(ourRules, buildkitRules()) })
	rulesByName = sync.OnceValue(func() map[string]*Rule {
		m := map[string]*Rule{}
		for _, r := range allRules() {
			m[r.Name] = r
		}
		return m
	})
)

// Rules lists every rule dockerfile-ls reports: its own, then BuildKit's.
// The slice is the caller's; the rules are shared and must not be changed.
func Rules() []*Rule { return slices.Clone(allRules()) }

// Lookup finds a rule by name.
func Lookup(name string) *Rule { return rulesByName()[name] }
