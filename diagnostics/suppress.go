package diagnostics

import (
	"regexp"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// HadolintCodes returns the hadolint codes that report the same problem as
// rule (nil when hadolint has none, or there is no such rule): the rule's
// Hadolint field, so that "# hadolint ignore=DL3025" comments keep working
// for teams that migrate. A code may stand for a broader rule (hadolint's
// per-manager cache rules are all PackageCacheInLayer here): ignoring the
// code ignores the whole rule on that instruction.
func HadolintCodes(rule string) []string {
	if r := Lookup(rule); r != nil {
		return r.Hadolint
	}
	return nil
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
