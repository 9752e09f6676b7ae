// Package diagnostics holds the rules and runs them: a rule is a small value
// (name, category, default severity, docs URL, check function, the fixes it
// offers, its hadolint codes) in its own file, registered in its category's
// list (rules*.go). Findings are plain values with byte-offset spans; the
// server and the CLI convert them at their edges.
package diagnostics

import (
	"cmp"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Severity of a finding; the order is LSP's (1 is the most severe).
type Severity int

const (
	Error Severity = iota + 1
	Warning
	Info
	Hint
)

var severityNames = map[Severity]string{Error: "error", Warning: "warning", Info: "info", Hint: "hint"}

func (s Severity) String() string { return severityNames[s] }

// ParseSeverity reads "error", "warning", "info" or "hint".
func ParseSeverity(name string) (Severity, bool) {
	for s, n := range severityNames {
		if n == name {
			return s, true
		}
	}
	return 0, false
}

// Category groups rules so that users can switch a family off.
type Category string

const (
	Syntax   Category = "syntax"   // the file does not parse or build
	BuildKit Category = "buildkit" // BuildKit's own build checks
	Cache    Category = "cache"    // steps that re-run more often than they need to
	Size     Category = "size"     // layers bigger than they need to be
)

// DocsBase is where our own rules' documentation lives.
const DocsBase = "https://github.com/dockerfile-ls/dockerfile-ls/blob/main/docs/rules/"

// Rule is one check.
type Rule struct {
	Name     string
	Category Category
	Severity Severity
	Summary  string
	DocsURL  string
	// Fixes are the kinds of fix the rule's findings can carry; package
	// codeactions registers one fixer for each (a test checks both ways).
	Fixes []FixKind
	// Hadolint lists hadolint's codes for the same problem: a "# hadolint
	// ignore=" comment naming one of them suppresses the rule.
	Hadolint []string
	// Supersedes names rules whose finding on the same instruction says
	// less about the same problem (BuildKit's JSONArgsRecommended on a
	// single-quoted exec form): the report keeps this rule's finding and
	// drops theirs (analysis.Assemble), unless this rule is switched off.
	Supersedes []string
	// Check reports the rule's findings; nil for rules another engine
	// (BuildKit) reports.
	Check func(*Pass)
}

// Finding is one reported problem.
type Finding struct {
	Rule     string
	Category Category
	Severity Severity
	Message  string
	DocsURL  string
	Span     dockerfile.Span
	Related  []Related
	// Fix is what a quick fix needs (package codeactions reads it); nil
	// when no fix is offered. It must survive a JSON round trip.
	Fix *FixData
}

// Related points at another place that explains a finding.
type Related struct {
	Span    dockerfile.Span
	Message string
}

// FixData carries a finding's fix parameters from the analysis to the fix.
type FixData struct {
	Kind FixKind           `json:"kind"`
	Args map[string]string `json:"args,omitempty"`
	// Refused says why the rule offers no fix of Kind here although it
	// thought of one (the home of the user is unknown, the RUN removes the
	// cache it would mount): shown as a disabled code action, or with the
	// finding. Args are then empty.
	Refused string `json:"refused,omitempty"`
}

// FixKind names a fix: the FixData.Kind of the findings that can take it,
// or, for BuildKit's checks, whose findings carry no FixData, the rule's
// name. A rule lists the kinds it offers in Rule.Fixes; package codeactions
// registers the fixer of each. The values travel in LSP diagnostics' data,
// so they never change.
type FixKind string

// The fixes of our rules.
const (
	CopyManifestsFirst     FixKind = "copy-manifests-first"      // CopyBeforeInstall
	AddCacheMount          FixKind = "add-cache-mount"           // InstallWithoutCacheMount
	MergeUpdate            FixKind = "merge-update"              // StalePackageIndex
	Dockerignore           FixKind = "dockerignore"              // VolatileContext
	AddNoInstallRecommends FixKind = "add-no-install-recommends" // NoInstallRecommends
	AddRmAptLists          FixKind = "add-rm-apt-lists"          // AptListsNotRemoved
	AddNoCacheDir          FixKind = "add-no-cache-dir"          // PackageCacheInLayer
	AddCacheClean          FixKind = "add-cache-clean"           // PackageCacheInLayer
	CopyChown              FixKind = "copy-chown"                // ChownAfterCopy
	SlimBase               FixKind = "slim-base"                 // HeavyBaseImage
)

// The fixes of BuildKit's checks: each kind is the rule's name.
const (
	MatchInstructionCasing FixKind = "ConsistentInstructionCasing"
	MatchFromAsCasing      FixKind = "FromAsCasing"
	LowercaseStageName     FixKind = "StageNameCasing"
	CmdExecForm            FixKind = "JSONArgsRecommended"
	KeyEqualsValue         FixKind = "LegacyKeyValueFormat"
	MaintainerToLabel      FixKind = "MaintainerDeprecated"
)

// Pass is what a rule's check sees.
type Pass struct {
	Doc *dockerfile.Document
	// Context is the build context, or nil while it is unknown or loading.
	Context *buildcontext.Context
	// Build are the build's options (--build-arg values): the rules read
	// the document's build state for them.
	Build dockerfile.Options
	rule  *Rule
	out   *[]Finding
}

// Report records a finding of the running rule at span.
func (p *Pass) Report(span dockerfile.Span, message string, related []Related, fix *FixData) {
	*p.out = append(*p.out, Finding{
		Rule: p.rule.Name, Category: p.rule.Category, Severity: p.rule.Severity,
		Message: message, DocsURL: p.rule.DocsURL, Span: span, Related: related, Fix: fix,
	})
}

// Config says which rules run and how severe their findings are.
type Config struct {
	// Off switches whole categories off.
	Off map[Category]bool
	// Severity overrides a rule's default; a rule mapped to 0 is off.
	Severity map[string]Severity
	// Disabled lists rules switched off.
	Disabled map[string]bool
}

// Apply filters and re-grades findings according to the config.
func (c Config) Apply(in []Finding) []Finding {
	out := in[:0:0]
	for _, f := range in {
		if c.Off[f.Category] || c.Disabled[f.Rule] {
			continue
		}
		if s, ok := c.Severity[f.Rule]; ok {
			f.Severity = s
		}
		out = append(out, f)
	}
	return out
}

// Sort orders findings by position, then rule name, so output is stable.
func Sort(fs []Finding) {
	// Not sort.SliceStable: its reflection costs allocations on every
	// keystroke (Analyze and Assemble both sort).
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Span.Start, b.Span.Start), strings.Compare(a.Rule, b.Rule))
	})
}
