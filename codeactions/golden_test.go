package codeactions

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// analyse runs the pipeline the server and the CLI run, with the default
// settings. A rule that panics fails the fuzz and corpus tests; here it
// only loses its findings, as it would for a user.
func analyse(text []byte, bctx *buildcontext.Context) (*dockerfile.Document, []diagnostics.Finding) {
	doc := dockerfile.Parse(text)
	r, _ := analysis.Run(context.Background(), analysis.Input{Doc: doc, Context: bctx}) // never cancelled
	return doc, r.Findings
}

// fixRepeatedly applies the first action of kind until none is left (a fix
// per finding), and reports how many it applied.
func fixRepeatedly(t *testing.T, text []byte, kind diagnostics.FixKind, bctx *buildcontext.Context) ([]byte, int) {
	t.Helper()
	n := 0
	for ; n < 50; n++ {
		doc, fs := analyse(text, bctx)
		var action *Action
		for _, a := range For(doc.State(dockerfile.Options{}), fs, bctx) {
			if Kind(a.Finding) == kind && !a.Suppresses {
				action = &a
				break
			}
		}
		if action == nil {
			return text, n
		}
		next, err := Apply(text, action.Edits)
		if err != nil {
			t.Fatalf("%s: %v", action.Title, err)
		}
		text = next
	}
	t.Fatalf("fix %s still offered after %d rounds", kind, n)
	return nil, n
}

// TestGolden: testdata/<kind>/<case>.in.Dockerfile, fixed with every
// offered fix of that kind, must equal <case>.out.Dockerfile byte for byte
// (a case with no .out file must be offered no fix). An optional
// <case>.context/ folder is its build context.
func TestGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*/*.in.Dockerfile")
	kinds := map[diagnostics.FixKind]bool{}
	for _, in := range inputs {
		kind := diagnostics.FixKind(filepath.Base(filepath.Dir(in)))
		kinds[kind] = true
		name := strings.TrimSuffix(in, ".in.Dockerfile")
		t.Run(string(kind)+"/"+filepath.Base(name), func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var bctx *buildcontext.Context
			if _, err := os.Stat(name + ".context"); err == nil {
				if bctx, err = buildcontext.Load(t.Context(), name+".context", ""); err != nil {
					t.Fatal(err)
				}
			}
			got, n := fixRepeatedly(t, text, kind, bctx)
			want, err := os.ReadFile(name + ".out.Dockerfile")
			if os.IsNotExist(err) {
				if n > 0 {
					t.Fatalf("no fix expected, but %d applied:\n%s", n, got)
				}
				return
			}
			if n == 0 {
				t.Fatal("no fix offered")
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			if doc := dockerfile.Parse(got); doc.Error != nil {
				t.Errorf("fixed file does not parse: %v", doc.Error)
			}
		})
	}
	for kind := range fixers {
		if !kinds[kind] && kind != diagnostics.Dockerignore { // it edits another file: see dockerignore_test.go
			t.Errorf("fix %s has no golden files in testdata/%s/", kind, kind)
		}
	}
}
