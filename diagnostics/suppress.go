package diagnostics

import (
	"regexp"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// hadolintCodes maps rules that exist (ours and BuildKit's) to the hadolint
// codes that report the same problem, so that "# hadolint ignore=DL3025"
// comments keep working for teams that migrate. A test checks that every
// name here is in Rules(). A code may stand for a broader rule (hadolint's
// per-manager cache rules are all PackageCacheInLayer here): ignoring the
// code ignores the whole rule on that instruction.
var hadolintCodes = map[string][]string{
	// Syntax: hadolint reports any parse failure as DL1000.
	"ParseError":         {"DL1000"},
	"InvalidInstruction": {"DL1000"},
	// BuildKit's checks.
	"JSONArgsRecommended":            {"DL3025"},
	"MaintainerDeprecated":           {"DL4000"},
	"WorkdirRelativePath":            {"DL3000"},
	"DuplicateStageName":             {"DL3024"},
	"MultipleInstructionsDisallowed": {"DL4003", "DL4004", "DL3012"},
	// Cache.
	"UnpinnedBaseImage": {"DL3006", "DL3007"},
	// Size.
	"NoInstallRecommends": {"DL3015"},
	"AptListsNotRemoved":  {"DL3009"},
	"PackageCacheInLayer": {"DL3042", "DL3019", "DL3032", "DL3036", "DL3040", "DL3060"},
}

// plannedHadolintCodes maps the names of rules that are planned but not
// written yet to their hadolint codes. Suppression honours them already,
// so a rule that lands under one of these names is suppressible from its
// first day; move a name to hadolintCodes when its rule exists.
var plannedHadolintCodes = map[string][]string{}

// HadolintCodes returns the hadolint codes that report the same problem as
// rule (nil when hadolint has none).
func HadolintCodes(rule string) []string {
	if c, ok := hadolintCodes[rule]; ok {
		return c
	}
	return plannedHadolintCodes[rule]
}

// HadolintTable returns the mapping of rule names to hadolint codes:
// current holds the rules that exist, planned the intended names of rules
// not written yet. The maps are copies.
func HadolintTable() (current, planned map[string][]string) {
	current, planned = map[string][]string{}, map[string][]string{}
	for k, v := range hadolintCodes {
		current[k] = slices.Clone(v)
	}
	for k, v := range plannedHadolintCodes {
		planned[k] = slices.Clone(v)
	}
	return current, planned
}

// ignoreComment matches "# dockerfile-ls ignore=A,B" and "# hadolint
// ignore=DL3008,DL3009", optionally with "global" before "ignore".
var ignoreComment = regexp.MustCompile(`^#\s*(dockerfile-ls|hadolint)\s+(global\s+)?ignore\s*=\s*(.*)$`)

// ignoreSet is what the ignore comments of one line (or the whole file)
// switch off.
type ignoreSet struct {
	rules    map[string]bool // lower-cased rule names
	hadolint map[string]bool // upper-cased hadolint codes
}

func (s *ignoreSet) add(tool string, names []string) {
	for _, n := range names {
		if tool == "hadolint" {
			if s.hadolint == nil {
				s.hadolint = map[string]bool{}
			}
			s.hadolint[strings.ToUpper(n)] = true
			continue
		}
		if s.rules == nil {
			s.rules = map[string]bool{}
		}
		s.rules[strings.ToLower(n)] = true
	}
}

func (s *ignoreSet) covers(rule string) bool {
	if s == nil {
		return false
	}
	if s.rules[strings.ToLower(rule)] || s.rules["all"] {
		return true
	}
	for _, code := range HadolintCodes(rule) {
		if s.hadolint[code] {
			return true
		}
	}
	return false
}

// parseIgnoreList reads "A, B,C trailing words" as [A B C]: the list ends
// at the first name followed by a space that is not before a comma.
func parseIgnoreList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		out = append(out, fields[0])
		if len(fields) > 1 {
			break
		}
	}
	return out
}

// Suppress drops the findings that inline comments switch off:
//
//	# dockerfile-ls ignore=RuleName[,Rule2]
//	# hadolint ignore=DL3008[,DL3009]
//
// on the comment line(s) directly above an instruction suppress those rules
// on that instruction (a hadolint code suppresses the rules HadolintCodes
// maps to it); "ignore=all" suppresses every rule of ours there. With
// "global" ("# hadolint global ignore=DL3008") a comment anywhere applies
// to the whole file. A finding outside any instruction is anchored to its
// own first line. The input slice is not modified.
func Suppress(doc *dockerfile.Document, findings []Finding) []Finding {
	if doc == nil || len(findings) == 0 || len(doc.Comments) == 0 {
		return findings
	}
	commentLines := map[int]bool{}
	perLine := map[int]*ignoreSet{}
	global := &ignoreSet{}
	for _, c := range doc.Comments {
		line := doc.Lines.LineOf(c.Start)
		commentLines[line] = true
		m := ignoreComment.FindStringSubmatch(strings.TrimSpace(doc.Slice(c)))
		if m == nil {
			continue
		}
		names := parseIgnoreList(m[3])
		if m[2] != "" {
			global.add(m[1], names)
			continue
		}
		if perLine[line] == nil {
			perLine[line] = &ignoreSet{}
		}
		perLine[line].add(m[1], names)
	}
	if len(perLine) == 0 && global.rules == nil && global.hadolint == nil {
		return findings
	}
	out := make([]Finding, 0, len(findings))
	for _, f := range findings {
		if !suppressed(doc, f, commentLines, perLine, global) {
			out = append(out, f)
		}
	}
	return out
}

func suppressed(doc *dockerfile.Document, f Finding, commentLines map[int]bool, perLine map[int]*ignoreSet, global *ignoreSet) bool {
	if global.covers(f.Rule) {
		return true
	}
	anchor := doc.Lines.LineOf(f.Span.Start)
	if in := doc.InstructionAt(f.Span.Start); in != nil {
		anchor = in.Line
	}
	for line := anchor - 1; line >= 0 && commentLines[line]; line-- {
		if perLine[line].covers(f.Rule) {
			return true
		}
	}
	return false
}
