package sizes

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestStageBaseExpansion: FROM lines are read through the build state,
// BuildKit's own expansion (the regular expression that stood in for it
// is gone).
func TestStageBaseExpansion(t *testing.T) {
	cases := map[string]string{
		"python:${V}-slim":   "python:3.12-slim",
		"python:$V":          "python:3.12",
		"x:${NODEF:-1.0}":    "x:1.0",
		"x:${EMPTY:-dflt}":   "x:dflt",
		"x:${V:+set}":        "x:set",
		"x:${MISSING:-1}-s":  "x:1-s",
		"x:${V%.*}":          "x:3",
		"no-variables:1.2.3": "no-variables:1.2.3",
	}
	for from, want := range cases {
		doc := dockerfile.Parse([]byte("ARG V=3.12\nARG EMPTY=\nARG NODEF\nFROM " + from + " AS a\nFROM a\n"))
		if img, root := doc.State(dockerfile.Options{}).StageImage(doc.Stages[1]); !img.Known || img.Text != want || root != doc.Stages[0] {
			t.Errorf("FROM %s: %q, %v, root %v; want %q", from, img.Text, img.Known, root, want)
		}
	}
}

// TestHintsWithBuildArgs: the build's args choose the image sized.
func TestHintsWithBuildArgs(t *testing.T) {
	doc := dockerfile.Parse([]byte("ARG V=3.12\nFROM python:${V}\n"))
	label := func(opts dockerfile.Options) string {
		for _, h := range HintsFor(doc.State(opts), nil) {
			if h.Kind == KindBase {
				return h.Label
			}
		}
		return ""
	}
	if l := label(dockerfile.Options{}); l == "" || strings.Contains(l, "(as") {
		t.Errorf("python:3.12: %q", l)
	}
	if l := label(dockerfile.Options{BuildArgs: map[string]string{"V": "3.12-slim"}}); l == label(dockerfile.Options{}) {
		t.Errorf("python:3.12-slim sized as python:3.12: %q", l)
	}
}
