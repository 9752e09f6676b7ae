// Package precision scores the project's findings against Dockerfiles an
// expert has judged by hand (testdata/labelled): per rule, how many
// findings were right (precision) and how many of the judged problems were
// found (recall).
//
// Each Dockerfile NAME in the labelled set has a NAME.labels file beside
// it, one judgement a line:
//
//	want 12 CopyBeforeInstall   # COPY . . (line 9) comes before the install
//	want 3 -                    # apt-get install without -y: no rule says so
//	not 20 HeavyBaseImage       # the stage compiles against the JDK
//
// "want LINE RULE" is a problem the finding of RULE at LINE should report;
// RULE "-" is a problem no rule reports (a judged miss). "not LINE RULE" is
// a finding of RULE at LINE that is wrong for this file. LINE is 1-based,
// the line where the finding starts. Text after "#" is the reviewer's note.
// The reviewer writes the want lines before seeing the tool's output
// (the blind pass), then judges every finding the tool adds (the second
// pass, notes marked "(second pass)").
package precision

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Verdict is a reviewer's judgement of one finding or problem.
type Verdict string

const (
	Want Verdict = "want" // a real problem, reported at this line by this rule
	Not  Verdict = "not"  // a finding that is wrong for this file
)

// NoRule marks a wanted problem that no rule reports.
const NoRule = "-"

// Label is one line of a .labels file.
type Label struct {
	Verdict Verdict
	Line    int
	Rule    string
	Note    string
}

// ParseLabels reads a .labels file; name is for errors.
func ParseLabels(name string, text []byte) ([]Label, error) {
	var out []Label
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		body, note, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(body)
		if len(fields) == 0 {
			continue
		}
		l, err := parseLabel(fields)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		l.Note = strings.TrimSpace(note)
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

func parseLabel(fields []string) (Label, error) {
	if len(fields) != 3 {
		return Label{}, fmt.Errorf("want `want|not LINE RULE`, got %q", strings.Join(fields, " "))
	}
	v := Verdict(fields[0])
	if v != Want && v != Not {
		return Label{}, fmt.Errorf("verdict %q is neither want nor not", fields[0])
	}
	line, err := strconv.Atoi(fields[1])
	if err != nil || line < 1 {
		return Label{}, fmt.Errorf("line %q is not a 1-based line number", fields[1])
	}
	if v == Not && fields[2] == NoRule {
		return Label{}, fmt.Errorf("a `not` label names the rule whose finding is wrong")
	}
	return Label{Verdict: v, Line: line, Rule: fields[2]}, nil
}
