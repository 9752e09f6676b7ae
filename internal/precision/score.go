package precision

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)

// Finding is what the scorer needs of one finding: its rule and the 1-based
// line where it starts (the key labels match), and its message for the
// reviewer.
type Finding struct {
	Rule    string
	Line    int
	Message string
}

// key is what a label matches: rule and line.
type key struct {
	Rule string
	Line int
}

func (f Finding) key() key { return key{f.Rule, f.Line} }

// Unjudged is a finding no label judges: the reviewer has not seen it yet.
type Unjudged struct {
	File string
	Finding
}

// RuleScore counts one rule's findings and wanted problems.
type RuleScore struct {
	Findings int // the rule's findings
	Right    int // judged want
	Wrong    int // judged not
	Wanted   int // want labels naming the rule
	Found    int // of those, reported
}

// Precision is Right/(Right+Wrong); ok is false with no judged finding.
func (r RuleScore) Precision() (p float64, ok bool) {
	if r.Right+r.Wrong == 0 {
		return 0, false
	}
	return float64(r.Right) / float64(r.Right+r.Wrong), true
}

// Recall is Found/Wanted; ok is false with nothing wanted.
func (r RuleScore) Recall() (p float64, ok bool) {
	if r.Wanted == 0 {
		return 0, false
	}
	return float64(r.Found) / float64(r.Wanted), true
}

// Score is the whole set's result.
type Score struct {
	Rules    map[string]*RuleScore // NoRule holds the problems no rule reports
	Unjudged []Unjudged
	Files    int
}

// Add scores one file's findings against its labels.
func (s *Score) Add(file string, findings []Finding, labels []Label) {
	if s.Rules == nil {
		s.Rules = map[string]*RuleScore{}
	}
	s.Files++
	judged := map[key]Verdict{}
	for _, l := range labels {
		judged[key{l.Rule, l.Line}] = l.Verdict
	}
	reported := map[key]bool{}
	for _, f := range findings {
		r := s.rule(f.Rule)
		r.Findings++
		reported[f.key()] = true
		switch judged[f.key()] {
		case Want:
			r.Right++
		case Not:
			r.Wrong++
		default:
			s.Unjudged = append(s.Unjudged, Unjudged{File: file, Finding: f})
		}
	}
	for _, l := range labels {
		if l.Verdict != Want {
			continue
		}
		r := s.rule(l.Rule)
		r.Wanted++
		if reported[key{l.Rule, l.Line}] {
			r.Found++
		}
	}
}

func (s *Score) rule(name string) *RuleScore {
	r := s.Rules[name]
	if r == nil {
		r = &RuleScore{}
		s.Rules[name] = r
	}
	return r
}

// Total sums every rule (the judged misses count towards recall).
func (s *Score) Total() RuleScore {
	var t RuleScore
	for _, r := range s.Rules {
		t.Findings += r.Findings
		t.Right += r.Right
		t.Wrong += r.Wrong
		t.Wanted += r.Wanted
		t.Found += r.Found
	}
	return t
}

// RuleNames lists the rules scored, most findings first.
func (s *Score) RuleNames() []string {
	return slices.SortedFunc(maps.Keys(s.Rules), func(a, b string) int {
		return cmp.Or(cmp.Compare(s.Rules[b].Findings, s.Rules[a].Findings), cmp.Compare(a, b))
	})
}

// Table is the score as a Markdown table: rules with fewer than
// minFindings judged findings show counts, not a percentage.
func (s *Score) Table(minFindings int) string {
	out := "| rule | findings | right | wrong | precision | wanted | found | recall |\n|---|---|---|---|---|---|---|---|\n"
	row := func(name string, r RuleScore) string {
		return fmt.Sprintf("| %s | %d | %d | %d | %s | %d | %d | %s |\n", name, r.Findings, r.Right, r.Wrong,
			percent(r.Precision, r.Right+r.Wrong >= minFindings), r.Wanted, r.Found, percent(r.Recall, r.Wanted >= minFindings))
	}
	for _, name := range s.RuleNames() {
		label := name
		if name == NoRule {
			label = "(no rule reports it)"
		}
		out += row(label, *s.Rules[name])
	}
	return out + row("**all**", s.Total())
}

func percent(f func() (float64, bool), enough bool) string {
	p, ok := f()
	switch {
	case !ok:
		return "–"
	case !enough:
		return "(few)"
	}
	return fmt.Sprintf("%.1f%%", 100*p)
}
