package codeactions

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// buildkitFixRules are the BuildKit rules with golden files here, fixed or
// (WorkdirRelativePath) proven unfixed.
var buildkitFixRules = []string{"ConsistentInstructionCasing", "FromAsCasing", "StageNameCasing",
	"MaintainerDeprecated", "LegacyKeyValueFormat", "JSONArgsRecommended", "WorkdirRelativePath"}

// TestBuildKitGoldenInputsHaveFindings: every golden input of a BuildKit
// rule, negative cases above all, must raise that rule, or the case proves
// nothing.
func TestBuildKitGoldenInputsHaveFindings(t *testing.T) {
	for _, rule := range buildkitFixRules {
		inputs, _ := filepath.Glob(filepath.Join("testdata", rule, "*.in.Dockerfile"))
		skips, _ := filepath.Glob(filepath.Join("testdata", rule, "skip", "*.in.Dockerfile"))
		if len(inputs) == 0 {
			t.Errorf("no golden files for %s", rule)
		}
		for _, in := range append(inputs, skips...) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			_, fs := analyse(text, nil)
			if !slices.ContainsFunc(fs, func(f diagnostics.Finding) bool { return f.Rule == rule }) {
				t.Errorf("%s: no %s finding", in, rule)
			}
		}
	}
}

// TestSkipCheckGolden: testdata/<Rule>/skip/<case>.in.Dockerfile with the
// "Skip <Rule> in this file" action of the first <Rule> finding applied must
// equal <case>.out.Dockerfile; afterwards the rule is gone and every other
// finding stays (no .out: no action expected).
func TestSkipCheckGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*/skip/*.in.Dockerfile")
	if len(inputs) == 0 {
		t.Fatal("no skip golden files")
	}
	for _, in := range inputs {
		rule := filepath.Base(filepath.Dir(filepath.Dir(in)))
		name := strings.TrimSuffix(in, ".in.Dockerfile")
		t.Run(rule+"/"+filepath.Base(name), func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			doc, fs := analyse(text, nil)
			i := slices.IndexFunc(fs, func(f diagnostics.Finding) bool { return f.Rule == rule })
			if i < 0 {
				t.Fatalf("no %s finding", rule)
			}
			a, ok := SkipCheckAction(doc, fs[i])
			want, err := os.ReadFile(name + ".out.Dockerfile")
			if os.IsNotExist(err) {
				if ok {
					t.Fatalf("no action expected, got %q %+v", a.Title, a.Edits)
				}
				return
			}
			if !ok {
				t.Fatal("no action offered")
			}
			if a.Title != "Skip "+rule+" in this file" || a.InFixAll {
				t.Errorf("title %q, InFixAll %v", a.Title, a.InFixAll)
			}
			got, err := Apply(text, a.Edits)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("got:\n%q\nwant:\n%q", got, want)
			}
			_, after := analyse(got, nil)
			if remaining := findingRules(after, rule); remaining != "" {
				t.Errorf("%s still reported: %s", rule, remaining)
			}
			if b, a := otherFindings(fs, rule), otherFindings(after, rule); b != a {
				t.Errorf("other findings changed:\nbefore %s\nafter  %s", b, a)
			}
		})
	}
}

func findingRules(fs []diagnostics.Finding, rule string) string {
	var out []string
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f.Message)
		}
	}
	return strings.Join(out, "; ")
}

// otherFindings lists the findings of other rules than rule. It leaves out
// the false InvalidInstruction that dockerfile.Instruction.Command reports
// for any instruction below a "# check=" comment (BuildKit's
// instructions.ParseInstruction panics on such a comment when given no
// linter): a check line after a #! line is such a comment to BuildKit's main
// parser.
func otherFindings(fs []diagnostics.Finding, rule string) string {
	var out []string
	for _, f := range fs {
		if f.Rule != rule && !isCheckCommentPanic(f) {
			out = append(out, fmt.Sprintf("%s/%v", f.Rule, f.Severity))
		}
	}
	return strings.Join(out, " ")
}

// TestSkipCheckOnlyForBuildKitRules: our own rules have their own
// suppression comments; a check directive cannot skip them.
func TestSkipCheckOnlyForBuildKitRules(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM alpine\n"))
	for _, f := range []diagnostics.Finding{
		{Rule: "CopyBeforeInstall", Category: diagnostics.Cache},
		{Rule: "ParseError", Category: diagnostics.Syntax},
		{Rule: "CustomFrontend", Category: diagnostics.BuildKit},
	} {
		if a, ok := SkipCheckAction(doc, f); ok {
			t.Errorf("%s: unexpected %q", f.Rule, a.Title)
		}
	}
}

// TestSkipCheckDirectiveEdits covers the directive edits the golden files
// do not.
func TestSkipCheckDirectiveEdits(t *testing.T) {
	const rule = "JSONArgsRecommended"
	for _, tc := range []struct{ in, want string }{
		{"# check=skip=\nFROM a\n", "# check=skip=JSONArgsRecommended\nFROM a\n"},
		{"#check = error=true;skip=A\nFROM a\n", "#check = error=true;skip=A,JSONArgsRecommended\nFROM a\n"},
		{"# CHECK=experimental=all\r\nFROM a\r\n", "# CHECK=skip=JSONArgsRecommended;experimental=all\r\nFROM a\r\n"},
		{"# check=error=true  # trailing words are ignored\nFROM a\n", "# check=skip=JSONArgsRecommended;error=true  # trailing words are ignored\nFROM a\n"},
		{"# syntax=docker/dockerfile:1\r\n# check=skip=A\r\nFROM a\r\n", "# syntax=docker/dockerfile:1\r\n# check=skip=A,JSONArgsRecommended\r\nFROM a\r\n"},
		{"\xef\xbb\xbf# syntax=docker/dockerfile:1\nFROM a\n", "\xef\xbb\xbf# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM a\n"},
		// A leading blank makes the line a comment for ParseDirective.
		{" # check=error=true\nFROM a\n", "# check=skip=JSONArgsRecommended\n # check=error=true\nFROM a\n"},
		// Three options already, none of them skip: a fourth would be mangled.
		{"# check=error=true;experimental=all;error=true\nFROM a\n", ""},
		{"# check=skip=all\nFROM a\n", ""},
		{"# check=skip=JSONArgsRecommended\nFROM a\n", ""},
	} {
		doc := dockerfile.Parse([]byte(tc.in))
		a, ok := SkipCheckAction(doc, diagnostics.Finding{Rule: rule, Category: diagnostics.BuildKit})
		if !ok {
			if tc.want != "" {
				t.Errorf("%q: no action", tc.in)
			}
			continue
		}
		got, err := Apply(doc.Text, a.Edits)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.in, got, tc.want)
		}
		if tc.want != "" {
			str, _, _, _ := parser.ParseDirective("check", got)
			if !strings.Contains(str, rule) {
				t.Errorf("%q: BuildKit reads check=%q", got, str)
			}
		}
	}
}

// TestLegacyKeyValueKeepsValues: for many legacy ENV and LABEL values, the
// fixed file must give exactly the values BuildKit computes for the
// original (parsed with BuildKit's parser and instructions package, then
// expanded with its shell lexer under several environments). Values the fix
// is expected to handle must get a fix.
func TestLegacyKeyValueKeepsValues(t *testing.T) {
	fixable := []string{
		"plain", "/usr/local/bin:$PATH", "hello world", "hello   world\ttab", `""`, `"quoted value"`,
		`'single quoted'`, "-Xmx1g -Dfoo=bar", "${EXTRA:-a default}", "${EXTRA:+alt value} $HOME",
		"a=b c=d", "$HOME/app dir", "<<EOF not a heredoc", "x ${HOME%/*} y", "$1 $@ $* $$ $", "é ünï cödé",
		"trailing $", "a;b|c&d>e<f", "a # not a comment",
	}
	others := []string{
		`say "hi there" now`, `one\ two three`, `'a b' c`, `a\b`, `\$HOME x`, `"a" "b"`, `it"s x`,
		`${HOME:-"a b"} c`, `a\"b c`,
	}
	envs := []map[string]string{
		{},
		{"HOME": "/root", "EXTRA": "a  b", "PATH": "/bin:/usr/bin", "1": "one"},
		{"HOME": `/h "q" $x \y`, "EXTRA": ""},
	}
	for _, escape := range []string{`\`, "`"} {
		for _, kw := range []string{"ENV", "LABEL"} {
			for _, v := range slices.Concat(fixable, others) {
				if escape == "`" {
					v = strings.ReplaceAll(v, `\`, "`")
				}
				src := fmt.Sprintf("# escape=%s\nFROM scratch\n%s KEY %s\n", escape, kw, v)
				doc, fs := analyse([]byte(src), nil)
				var actions []Action
				for _, a := range For(doc.State(dockerfile.Options{}), fs, nil) {
					if a.Finding.Rule == "LegacyKeyValueFormat" && !a.Suppresses {
						actions = append(actions, a)
					}
				}
				if len(actions) == 0 {
					if slices.Contains(fixable, v) || escape == "`" && slices.Contains(fixable, strings.ReplaceAll(v, "`", `\`)) {
						t.Errorf("%s %s: no fix (findings %v)", kw, v, fs)
					}
					continue
				}
				got, err := Apply([]byte(src), actions[0].Edits)
				if err != nil {
					t.Fatal(err)
				}
				for _, env := range envs {
					before, errB := expandedValues([]byte(src), env)
					after, errA := expandedValues(got, env)
					if errB != nil || errA != nil || !slices.Equal(before, after) {
						t.Errorf("%q -> %q under %v:\nbefore %q %v\nafter  %q %v", src, got, env, before, errB, after, errA)
					}
				}
				if _, fs := analyse(got, nil); findingRules(fs, "LegacyKeyValueFormat") != "" {
					t.Errorf("%q: still legacy", got)
				}
			}
		}
	}
}

// TestGoldenValuesKept checks the same on the golden files of the fixes
// that rewrite values: LegacyKeyValueFormat, and MaintainerDeprecated (whose
// verbatim MAINTAINER string must be the new label's computed value).
func TestGoldenValuesKept(t *testing.T) {
	for _, rule := range []string{"LegacyKeyValueFormat", "MaintainerDeprecated"} {
		outs, _ := filepath.Glob(filepath.Join("testdata", rule, "*.out.Dockerfile"))
		for _, out := range outs {
			in := strings.TrimSuffix(out, ".out.Dockerfile") + ".in.Dockerfile"
			a, err1 := os.ReadFile(in)
			b, err2 := os.ReadFile(out)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			for _, env := range []map[string]string{{}, {"HOME": "/root", "EXTRA": "x y", "e": "E", "PATH": "/bin"}} {
				before, errB := expandedValues(a, env)
				after, errA := expandedValues(b, env)
				if errB != nil || errA != nil || !slices.Equal(before, after) {
					t.Errorf("%s under %v:\nbefore %q %v\nafter  %q %v", out, env, before, errB, after, errA)
				}
			}
		}
	}
}

type mapEnv map[string]string

func (m mapEnv) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }
func (m mapEnv) Keys() []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// expandedValues lists, in order, the key=value pairs BuildKit computes for
// every ENV and LABEL of a file (a MAINTAINER counting as the authors
// label, whose value is not expanded), or the error it fails with.
func expandedValues(text []byte, env map[string]string) ([]string, error) {
	res, err := parser.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, err
	}
	lex := shell.NewLex(res.EscapeToken)
	expand := func(w string) (string, error) {
		r, _, err := lex.ProcessWord(w, mapEnv(env))
		return r, err
	}
	var out []string
	for _, n := range res.AST.Children {
		cmd, err := instructions.ParseInstructionWithLinter(n, linter.New(&linter.Config{}))
		if err != nil {
			return nil, err
		}
		var pairs instructions.KeyValuePairs
		switch c := cmd.(type) {
		case *instructions.EnvCommand:
			err, pairs = c.Expand(expand), c.Env
		case *instructions.LabelCommand:
			err, pairs = c.Expand(expand), c.Labels
		case *instructions.MaintainerCommand:
			pairs = instructions.KeyValuePairs{{Key: authorsLabel, Value: c.Maintainer}}
		}
		if err != nil { // the build would fail here: that must stay so
			out = append(out, "error: "+err.Error())
			continue
		}
		for _, p := range pairs {
			out = append(out, p.Key+"="+p.Value)
		}
	}
	return out, nil
}

func isCheckCommentPanic(f diagnostics.Finding) bool {
	return f.Rule == "InvalidInstruction" && strings.Contains(f.Message, "internal error parsing") &&
		strings.Contains(f.Message, "nil pointer")
}
