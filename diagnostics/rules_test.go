package diagnostics

import (
	"os"
	"path/filepath"
	"regexp"
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
// style of go/analysis's analysistest.
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
		for _, file := range files {
			t.Run(r.Name+"/"+filepath.Base(file), func(t *testing.T) { checkFile(t, r, file) })
		}
	}
}

func checkFile(t *testing.T, r *Rule, file string) {
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
