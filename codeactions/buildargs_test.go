package codeactions

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestFixesReadTheBuildArgs: the fixes compute with the build args of the
// settings, as the findings do (issue 15). Here the WORKDIR is /$APP, and
// only the settings know APP: without it, the relative COPY destination
// lies in an unknown folder and the fixes refuse. Both ways to fix are
// held to it: a quick fix (For with the state) and fix-all (Fixing).
func TestFixesReadTheBuildArgs(t *testing.T) {
	settings := config.Settings{BuildArgs: map[string]string{"APP": "srv"}}
	for _, c := range []struct {
		kind    diagnostics.FixKind
		context bool // with a build context holding requirements.txt
		text    string
		want    string
	}{
		{diagnostics.CopyManifestsFirst, true,
			"FROM python:3.12-slim\nARG APP\nWORKDIR /$APP\nCOPY . .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
			"FROM python:3.12-slim\nARG APP\nWORKDIR /$APP\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\n"},
		{diagnostics.CopyChown, false,
			"FROM alpine:3.19\nARG APP\nWORKDIR /$APP\nCOPY src ./src\nRUN chown -R 1000:1000 /srv/src\n",
			"FROM alpine:3.19\nARG APP\nWORKDIR /$APP\nCOPY --chown=1000:1000 src ./src\n"},
	} {
		var bctx *buildcontext.Context
		if c.context {
			bctx = contextWith(t, map[string]string{"requirements.txt": "flask\n", "app.py": "print(1)\n"})
		}
		// The quick fix, from the findings and state of the settings.
		doc := dockerfile.Parse([]byte(c.text))
		findings, err := analysis.Findings(bctx, settings, nil)(t.Context(), doc)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(For(doc.State(settings.BuildOptions()), findings, bctx), func(a Action) bool { return Kind(a.Finding) == c.kind })
		if i < 0 {
			t.Errorf("%s: no quick fix with APP from the settings", c.kind)
		}
		// Fix-all, as check --fix and the editor run it.
		fixed, err := Fixing{Context: bctx, Options: settings.BuildOptions(), Analyse: analysis.Findings(bctx, settings, nil)}.Run(t.Context(), []byte(c.text))
		if err != nil {
			t.Fatal(err)
		}
		if string(fixed.Doc.Text) != c.want {
			t.Errorf("%s: fix-all with APP=srv gave\n%s\nwant\n%s", c.kind, fixed.Doc.Text, c.want)
		}
	}
}

// contextWith is a build context holding files (path: content).
func contextWith(t *testing.T, files map[string]string) *buildcontext.Context {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bctx, err := buildcontext.Load(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	return bctx
}
