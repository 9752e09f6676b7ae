package diagnostics

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestManifestsFirstTitleAssumes: without the build context the fix cannot
// read the manifests it copies, and its title says what it assumes of
// them; with the context it checked them and says nothing more.
func TestManifestsFirstTitleAssumes(t *testing.T) {
	const npm = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
	const pip = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
	withContext, err := buildcontext.Load(t.Context(), "../codeactions/testdata/copy-manifests-first/npm.context", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		bctx *buildcontext.Context
		want string // in the title; "" for no assumption
	}{
		{npm, nil, "(no build context to check: assumes package.json has no workspaces, local dependencies or install scripts)"},
		{pip, nil, "(no build context to check: assumes requirements.txt names no other file and no local path)"},
		{npm, withContext, ""},
		// Only moving the COPY of code, the fix still relies on the
		// manifests an earlier COPY brought.
		{"FROM node:20\nWORKDIR /app\nCOPY package.json .\nCOPY src ./src\nRUN npm ci\n", nil,
			"(no build context to check: assumes package.json has no workspaces, local dependencies or install scripts)"},
	} {
		title := manifestsFirstTitle(t, c.text, c.bctx)
		if got := strings.Contains(title, "no build context"); c.want == "" && got || c.want != "" && !strings.HasSuffix(title, c.want) {
			t.Errorf("title %q, want it to end in %q", title, c.want)
		}
	}
}

// manifestsFirstTitle is the title of the one CopyBeforeInstall fix of text.
func manifestsFirstTitle(t *testing.T, text string, bctx *buildcontext.Context) string {
	t.Helper()
	var out []Finding
	if err := run(copyBeforeInstall, &Pass{Doc: dockerfile.Parse([]byte(text)), Context: bctx, rule: copyBeforeInstall, out: &out}); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Fix == nil || out[0].Fix.Refused != "" {
		t.Fatalf("want one finding with the fix, got %+v", out)
	}
	return out[0].Fix.Args["title"]
}
