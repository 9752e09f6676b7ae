package codeactions

import (
	"os"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestAptSetupTitleSaysWhere: where the docker-clean setup goes into the
// install's own command, the title says so, not "before line N".
func TestAptSetupTitleSaysWhere(t *testing.T) {
	for file, want := range map[string]string{
		"apt-update-after-copy": "turn docker-clean off at the start of line",
		"apt-exec-after-copy":   "turn docker-clean off before line",
	} {
		text, err := os.ReadFile("testdata/add-cache-mount/" + file + ".in.Dockerfile")
		if err != nil {
			t.Fatal(err)
		}
		doc := dockerfile.Parse(text)
		var titles []string
		for _, a := range For(doc.State(dockerfile.Options{}), fastFindings(doc), nil) {
			if a.Finding.Fix != nil && a.Finding.Fix.Kind == diagnostics.AddCacheMount {
				titles = append(titles, a.Title)
			}
		}
		if len(titles) == 0 || !strings.Contains(titles[0], want) {
			t.Errorf("%s: titles %q, want one with %q", file, titles, want)
		}
	}
}
