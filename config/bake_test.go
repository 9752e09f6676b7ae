package config

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
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

// TestBakeValuesAreBounded: 30 variables each doubling the one before
// (1.5 KB) evaluated to 10 GB and ran the process out of memory; nested
// for expressions do it in one line. Each expression is bounded before it
// is evaluated, and past budget.MaxBuildFileValues the file is not read; a for
// or splat expression is left out.
func TestBakeValuesAreBounded(t *testing.T) {
	doubling := func(use string) string {
		var b strings.Builder
		b.WriteString("variable \"v0\" {\n  default = \"xxxxxxxxxx\"\n}\n")
		for i := 1; i <= 30; i++ {
			fmt.Fprintf(&b, "variable \"v%d\" {\n  default = \"${v%d}${v%d}\"\n}\n", i, i-1, i-1)
		}
		return b.String() + "target \"app\" {\n  args = { A = " + use + " }\n}\n"
	}
	tuple := "variable \"t\" {\n  default = [" + strings.Repeat("\"xxxxxxxxxx\", ", 1000) + "]\n}\n"
	cases := map[string]string{
		"doubling variables": doubling(`"${v30}"`),
		"nested for":         tuple + "target \"app\" {\n  args = { A = [for a in t : [for b in t : [for c in t : \"${a}${b}${c}\"]]] }\n}\n",
		"JSON doubling":      `{"variable": {"v0": {"default": "` + strings.Repeat("x", 60000) + `"}, "v1": {"default": "${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}${v0}"}}, "target": {"app": {"args": {"A": "${v1}"}}}}`,
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			file := "docker-bake.hcl"
			if strings.HasPrefix(text, "{") {
				file = "docker-bake.json"
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			before := m.TotalAlloc
			_, ok, err := fromBake(file, []byte(text), "/nowhere/Dockerfile")
			runtime.ReadMemStats(&m)
			t.Logf("%d bytes: %d MB allocated", len(text), (m.TotalAlloc-before)>>20)
			refused := err != nil && strings.Contains(err.Error(), "its values take more than")
			if ok || refused == (name == "nested for") {
				t.Errorf("fromBake = %v, %v; want the file refused for its values, unless it is the for expression that is left out", ok, err)
			}
			if m.TotalAlloc-before > 64<<20 {
				t.Errorf("%d MB allocated, more than 64 MB", (m.TotalAlloc-before)>>20)
			}
		})
	}
}

// TestComposeExpansionIsBounded: a .env whose lines each double the one
// before, or a Compose value naming a large variable many times, expanded
// to gigabytes. A .env past budget.MaxBuildFileValues is ignored, and a
// value whose expansion would pass it is kept as written.
func TestComposeExpansionIsBounded(t *testing.T) {
	var env strings.Builder
	env.WriteString("A0=xxxxxxxxxx\nexport\tB=\"" + strings.Repeat("y", 60000) + "\"\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&env, "A%d=${A%d}${A%d}\n", i, i-1, i-1)
	}
	cases := []struct {
		name, env, arg, want string
	}{
		{"doubling .env", env.String(), "${A30}", ""},
		{"a large variable named often", "B=" + strings.Repeat("y", 60000) + "\n", strings.Repeat("${B}", 100), strings.Repeat("${B}", 100)},
		{"a small .env", "C=${HOME_X:-c}\nD=\"${C}-${C}\"\n", "${D}", "c-c"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			df := writeFile(t, filepath.Join(root, "Dockerfile"), "FROM scratch\n")
			writeFile(t, filepath.Join(root, ".env"), c.env)
			writeFile(t, filepath.Join(root, "compose.yaml"), "services:\n  app:\n    build:\n      context: .\n      args:\n        A: \""+c.arg+"\"\n")
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			before := m.TotalAlloc
			s, src, err := Load(df)
			runtime.ReadMemStats(&m)
			if err != nil || src == "" || s.BuildArgs["A"] != c.want {
				t.Errorf("Load = %q, %v, A = %.40q; want A = %.40q", src, err, s.BuildArgs["A"], c.want)
			}
			if used := m.TotalAlloc - before; used > 64<<20 {
				t.Errorf("%d MB allocated, more than 64 MB", used>>20)
			}
		})
	}
}
