package diagnostics

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// wantRe matches an expectation comment: `# want "regexp"` (the regexp
// taken literally between the quotes) expects a
// finding of the directory's rule on the next instruction line, whose
// message matches the regexp. Every finding must be expected.
var wantRe = regexp.MustCompile(`^\s*# want (".*")\s*$`)

type want struct {
	line int // zero-based line the finding must start on
	re   *regexp.Regexp
}

// TestRules runs each of our rules on testdata/<Rule>/*.Dockerfile, in the
// style of go/analysis's analysistest. A finding's fix must be one its rule
// declares, and each declared fix must be offered on some file, so that
// Rule.Fixes says what the rule does.
func TestRules(t *testing.T) {
	for _, r := range ourRules {
		if r.Check == nil {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("testdata", r.Name, "*.Dockerfile"))
		if len(files) < 2 {
			t.Errorf("rule %s needs positive and negative testdata in testdata/%s/", r.Name, r.Name)
			continue
		}
		offered := map[FixKind]bool{}
		for _, file := range files {
			t.Run(r.Name+"/"+filepath.Base(file), func(t *testing.T) {
				for _, f := range checkFile(t, r, file) {
					if f.Fix != nil {
						offered[f.Fix.Kind] = true
					}
				}
			})
		}
		for _, kind := range r.Fixes {
			if !offered[kind] {
				t.Errorf("rule %s declares fix %q, which none of testdata/%s/ gets", r.Name, kind, r.Name)
			}
		}
	}
}

// checkFile checks the findings of r on file against its expectations and
// returns them.
func checkFile(t *testing.T, r *Rule, file string) []Finding {
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	wants := parseWants(t, string(text))
	doc := dockerfile.Parse(text)
	var out []Finding
	if err := run(r, &Pass{Doc: doc, Context: testContext(t, file), rule: r, out: &out}); err != nil {
		t.Fatal(err)
	}
	for _, f := range out {
		if f.Fix != nil && !slices.Contains(r.Fixes, f.Fix.Kind) {
			t.Errorf("%s: fix %q is not in the rule's Fixes %q", file, f.Fix.Kind, r.Fixes)
		}
		line := doc.Lines.LineOf(f.Span.Start)
		matched := -1
		for i, w := range wants {
			if w.line == line && w.re.MatchString(f.Message) {
				matched = i
				break
			}
		}
		if matched < 0 {
			t.Errorf("%s:%d: unexpected finding: %s", file, line+1, f.Message)
			continue
		}
		wants = append(wants[:matched], wants[matched+1:]...)
	}
	for _, w := range wants {
		t.Errorf("%s:%d: no finding matching %q", file, w.line+1, w.re)
	}
	return out
}

// docsDir holds the pages of the rules whose docs are ours.
var docsDir = filepath.Join("..", "docs", "rules")

// TestRulesHaveDocs checks that every rule links to its page: ours (and
// BuildKit's undocumented one) to docs/rules/<Rule>.md, which must exist,
// BuildKit's others to Docker's documentation; and that every page there
// belongs to a rule.
func TestRulesHaveDocs(t *testing.T) {
	for _, r := range Rules() {
		page, ours := strings.CutPrefix(r.DocsURL, DocsBase)
		switch {
		case !ours && r.Category == BuildKit && strings.HasPrefix(r.DocsURL, "https://docs.docker.com/"):
			// BuildKit documents it.
		case page != r.Name+".md":
			t.Errorf("%s: docs URL %q, want %s%s.md", r.Name, r.DocsURL, DocsBase, r.Name)
		default:
			if _, err := os.Stat(filepath.Join(docsDir, page)); err != nil {
				t.Errorf("%s has no docs page: %v", r.Name, err)
			}
		}
	}
	pages, err := filepath.Glob(filepath.Join(docsDir, "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in %s: %v", docsDir, err)
	}
	for _, p := range pages {
		if r := Lookup(strings.TrimSuffix(filepath.Base(p), ".md")); r == nil || r.DocsURL != DocsBase+filepath.Base(p) {
			t.Errorf("%s is the page of no rule", p)
		}
	}
}

// testContext loads <name>.context/ next to <name>.Dockerfile as the build
// context, when it exists.
func testContext(t *testing.T, file string) *buildcontext.Context {
	dir := strings.TrimSuffix(file, ".Dockerfile") + ".context"
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	bctx, err := buildcontext.Load(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	return bctx
}

func parseWants(t *testing.T, text string) []want {
	var out []want
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		m := wantRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		re, err := regexp.Compile(m[1][1 : len(m[1])-1])
		if err != nil {
			t.Fatalf("line %d: bad want: %v", i+1, err)
		}
		out = append(out, want{line: i + 1, re: re})
	}
	return out
}
