package config

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// inheritsFanOut is a bake file whose target "app" inherits ten targets,
// each inheriting the same ten below it, ten levels deep (5 KB): resolved
// by walking every path, that is 10^10 visits.
func inheritsFanOut() string {
	var b strings.Builder
	for level := range 10 {
		for i := range 10 {
			fmt.Fprintf(&b, "target \"l%d_%d\" {\n", level, i)
			if level == 0 {
				fmt.Fprintf(&b, "  dockerfile = \"none\"\n  args = { FROM_LEVEL0 = \"%d\" }\n", i)
			} else {
				var parents []string
				for j := range 10 {
					parents = append(parents, fmt.Sprintf("\"l%d_%d\"", level-1, j))
				}
				fmt.Fprintf(&b, "  inherits = [%s]\n", strings.Join(parents, ", "))
			}
			b.WriteString("}\n")
		}
	}
	b.WriteString("target \"app\" {\n  inherits = [\"l9_0\", \"l9_9\"]\n  dockerfile = \"Dockerfile\"\n}\n")
	return b.String()
}

// TestBakeInheritsFanOutIsQuick: only "app" builds the Dockerfile, and
// every target before it is resolved to find out. Each target is resolved once, so the
// fan-out costs a thousand merges, not ten billion visits.
func TestBakeInheritsFanOutIsQuick(t *testing.T) {
	root := t.TempDir()
	bake := writeFile(t, filepath.Join(root, "docker-bake.hcl"), inheritsFanOut())
	df := writeFile(t, filepath.Join(root, "Dockerfile"), "FROM scratch\n")
	data, err := os.ReadFile(bake)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		s   Settings
		ok  bool
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		s, ok, err := fromBake(bake, data, df)
		done <- result{s, ok, err}
	}()
	select {
	case r := <-done:
		t.Logf("%d bytes resolved in %v", len(data), time.Since(start))
		if !r.ok || r.err != nil || r.s.BuildArgs["FROM_LEVEL0"] != "9" {
			t.Errorf("fromBake = %+v, %v, %v; want FROM_LEVEL0=9 from the last parent", r.s, r.ok, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("inherits resolution did not end in 10 s")
	}
}

// TestBakeInheritsOrder: parents apply in order, each with its own
// parents first, and the target's own attributes last, as in bake: a
// parent shared by two others applies again with the second. A cycle is
// cut, not followed.
func TestBakeInheritsOrder(t *testing.T) {
	root := t.TempDir()
	df := writeFile(t, filepath.Join(root, "Dockerfile"), "FROM scratch\n")
	bake := writeFile(t, filepath.Join(root, "docker-bake.hcl"), `
target "base" {
  dockerfile = "none"
  args = { A = "base", B = "base" }
  target = "base"
}
target "left" {
  inherits = ["base"]
  args = { A = "left", C = "left" }
}
target "right" {
  inherits = ["base", "loop"]
  args = { B = "right" }
}
target "loop" {
  inherits = ["right"]
  args = { D = "loop" }
}
target "app" {
  inherits = ["left", "right"]
  args = { C = "app" }
  dockerfile = "Dockerfile"
}
`)
	data, err := os.ReadFile(bake)
	if err != nil {
		t.Fatal(err)
	}
	s, ok, err := fromBake(bake, data, df)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "base", "B": "right", "C": "app", "D": "loop"}
	if !ok || !maps.Equal(s.BuildArgs, want) || s.Target != "base" {
		t.Errorf("fromBake = %+v, %v; want args %v and target base", s, ok, want)
	}
}

// TestBakeInheritsBudget: a file whose inherits copy more than
// budget.MaxBakeInheritWork settings, one target at a time, is not read,
// and Load says why.
func TestBakeInheritsBudget(t *testing.T) {
	root := t.TempDir()
	var b strings.Builder
	b.WriteString("target \"base\" {\n  dockerfile = \"none\"\n  args = {\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "    A%d = \"x\"\n", i)
	}
	b.WriteString("  }\n}\n")
	for i := range budget.MaxBakeInheritWork/2000 + 1 {
		fmt.Fprintf(&b, "target \"t%d\" {\n  inherits = [\"base\"]\n}\n", i)
	}
	writeFile(t, filepath.Join(root, "docker-bake.hcl"), b.String())
	df := writeFile(t, filepath.Join(root, "Dockerfile"), "FROM scratch\n")
	var warnings []string
	start := time.Now()
	_, src, err := (&Loader{Warn: func(w string) { warnings = append(warnings, w) }}).Load(df)
	t.Logf("%d bytes refused in %v", b.Len(), time.Since(start))
	if err != nil || src != "" || len(warnings) != 1 || !strings.Contains(warnings[0], "resolving inherits takes more than") {
		t.Errorf("Load = %q, %v, warnings %q; want no settings and a warning", src, err, warnings)
	}
}
