package diagnostics

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// suppressRules are the rules TestSuppress looks at, so that new rules do
// not change its expectations.
var suppressRules = map[string]bool{"MaintainerDeprecated": true, "JSONArgsRecommended": true, "ParseError": true, "MultipleInstructionsDisallowed": true}

// ruleLines runs every analysis, then Suppress, and lists "rule@line"
// (1-based) of suppressRules' findings.
func ruleLines(t *testing.T, text string) []string {
	t.Helper()
	doc := dockerfile.Parse([]byte(text))
	fs, _ := Analyze(doc, nil)
	fs = append(fs, BuildKitChecks(context.Background(), doc, BuildKitOptions{})...)
	Sort(fs)
	var out []string
	for _, f := range Suppress(doc, fs) {
		if !suppressRules[f.Rule] {
			continue
		}
		out = append(out, f.Rule+"@"+itoa(doc.Lines.LineOf(f.Span.Start)+1))
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestSuppress(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"none", "FROM alpine:3.19\nMAINTAINER me\nCMD echo hi\n",
			[]string{"MaintainerDeprecated@2", "JSONArgsRecommended@3"}},
		{"ours", "FROM alpine:3.19\n# dockerfile-ls ignore=MaintainerDeprecated\nMAINTAINER me\nCMD echo hi\n",
			[]string{"JSONArgsRecommended@4"}},
		{"list with spaces and a reason", "FROM alpine:3.19\nMAINTAINER me\n# dockerfile-ls ignore=MaintainerDeprecated, JSONArgsRecommended because reasons\nCMD echo hi\n",
			[]string{"MaintainerDeprecated@2"}},
		{"case-insensitive", "FROM alpine:3.19\n#dockerfile-ls ignore=jsonargsrecommended\nCMD echo hi\n", nil},
		{"hadolint", "FROM alpine:3.19\n# hadolint ignore=DL4000,DL3008\nMAINTAINER me\n# hadolint ignore=DL3025\nCMD echo hi\n", nil},
		{"several comment lines above", "FROM alpine:3.19\n# hadolint ignore=DL3025\n# start the app\nCMD echo hi\n", nil},
		{"blank line breaks the block", "FROM alpine:3.19\n# hadolint ignore=DL3025\n\nCMD echo hi\n",
			[]string{"JSONArgsRecommended@4"}},
		{"only the next instruction", "FROM alpine:3.19\n# hadolint ignore=DL3025\nCMD echo hi\nENTRYPOINT echo hi\n",
			[]string{"JSONArgsRecommended@4"}},
		{"wrong rule", "FROM alpine:3.19\n# dockerfile-ls ignore=StageNameCasing\nCMD echo hi\n",
			[]string{"JSONArgsRecommended@3"}},
		{"global", "# hadolint global ignore=DL3025\nFROM alpine:3.19\nCMD echo hi\nMAINTAINER me\n",
			[]string{"MaintainerDeprecated@4"}},
		{"all", "FROM alpine:3.19\n# dockerfile-ls ignore=all\nCMD echo hi\n", nil},
		{"multi-line instruction", "FROM alpine:3.19\n# dockerfile-ls ignore=JSONArgsRecommended\nCMD echo \\\n  hi\n", nil},
		{"parse error", "FROM alpine:3.19\n# dockerfile-ls ignore=ParseError\nRUN <<EOF\nnever ends\n", nil},
		{"hadolint code of our rule", "FROM alpine:3.19\n# hadolint ignore=DL1000\nRUN <<EOF\nnever ends\n", nil},
		{"hadolint code of another rule", "FROM alpine:3.19\n# hadolint ignore=DL3025\nRUN <<EOF\nnever ends\n",
			[]string{"ParseError@3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ruleLines(t, c.text); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestSuppressKeepsInput(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM alpine:3.19\n# hadolint ignore=DL3025\nCMD echo hi\n"))
	in := []Finding{{Rule: "JSONArgsRecommended", Span: doc.Instructions[1].Span}, {Rule: "Other", Span: doc.Instructions[1].Span}}
	out := Suppress(doc, in)
	if len(out) != 1 || out[0].Rule != "Other" || in[0].Rule != "JSONArgsRecommended" {
		t.Errorf("out %v, in %v", out, in)
	}
}

func TestParseIgnoreList(t *testing.T) {
	for in, want := range map[string][]string{
		"A":                {"A"},
		"A,B":              {"A", "B"},
		" A , B  C, D":     {"A", "B"},
		"A -- a reason, B": {"A"},
		"":                 nil,
	} {
		if got := parseIgnoreList(in); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

// hadolintCode is the form of a hadolint rule code.
var hadolintCode = regexp.MustCompile(`^DL[0-9]{4}$`)

// TestHadolintCodes checks that every rule's hadolint codes are well formed
// and listed once.
func TestHadolintCodes(t *testing.T) {
	for _, r := range Rules() {
		seen := map[string]bool{}
		for _, c := range r.Hadolint {
			if !hadolintCode.MatchString(c) || seen[c] {
				t.Errorf("%s: bad or repeated hadolint code %q", r.Name, c)
			}
			seen[c] = true
		}
	}
}

// TestHadolintCodesDocumented checks that docs/ci.md's hadolint table says
// what the rules say: each code with the rules it suppresses, no more, no
// less.
func TestHadolintCodesDocumented(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := documentedHadolintCodes(string(text))
	if len(documented) == 0 {
		t.Fatal("docs/ci.md has no \"| hadolint | dockerfile-ls rule |\" table")
	}
	declared := map[string]bool{}
	for _, r := range Rules() {
		for _, c := range r.Hadolint {
			declared[c+" "+r.Name] = true
		}
	}
	for pair := range declared {
		if !documented[pair] {
			t.Errorf("docs/ci.md does not list hadolint code and rule %q", pair)
		}
	}
	for pair := range documented {
		if !declared[pair] {
			t.Errorf("docs/ci.md lists hadolint code and rule %q, which no rule declares", pair)
		}
	}
}

// documentedHadolintCodes reads the rows of docs/ci.md's hadolint table
// ("| DL3006, DL3007 (what) | `Rule`, `Rule2` |") as "code rule" pairs.
func documentedHadolintCodes(text string) map[string]bool {
	out := map[string]bool{}
	_, table, found := strings.Cut(text, "| hadolint | dockerfile-ls rule |\n|---|---|\n")
	if !found {
		return out
	}
	codeRe, ruleRe := regexp.MustCompile(`DL[0-9]{4}`), regexp.MustCompile("`([A-Za-z]+)`")
	for line := range strings.Lines(table) {
		cells := strings.Split(line, "|")
		if len(cells) != 4 {
			break // the table ends
		}
		for _, code := range codeRe.FindAllString(cells[1], -1) {
			for _, m := range ruleRe.FindAllStringSubmatch(cells[2], -1) {
				out[code+" "+m[1]] = true
			}
		}
	}
	return out
}
