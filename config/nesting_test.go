package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// deepFiles are project, Compose and bake files nesting 100,000 levels
// deep (50,000 where that would pass the size limit), each in a way the
// HCL or YAML parser recurses on.
func deepFiles() map[string]struct{ name, text string } {
	const n, half = 100_000, 50_000
	r := strings.Repeat
	return map[string]struct{ name, text string }{
		"HCL brackets":          {"docker-bake.hcl", "x = " + r("[", n)},
		"HCL parentheses":       {"docker-bake.hcl", "target \"a\" {\n  args = { A = " + r("(", n) + "1" + r(")", n) + " }\n}\n"},
		"HCL braces":            {"docker-bake.hcl", "x = " + r("{a=", n)},
		"HCL unary !":           {"docker-bake.hcl", "x = " + r("!", n) + "true\n"},
		"HCL unary -":           {"docker-bake.hcl", "x = " + r("-", n) + "1\n"},
		"HCL conditionals":      {"docker-bake.hcl", "x = " + r("true ? 1 : ", half) + "2\n"},
		"HCL templates":         {"docker-bake.hcl", "x = " + r("\"${", n)},
		"HCL directives":        {"docker-bake.hcl", "x = <<EOT\n" + r("%{if true}", half) + r("%{endif}", half) + "\nEOT\n"},
		"JSON arrays":           {"docker-bake.json", "{\"x\": " + r("[", n)},
		"JSON template":         {"docker-bake.json", `{"variable": {"A": {"default": "${` + r("(", n) + "1" + r(")", n) + `}"}}}`},
		"Compose flow":          {"compose.yaml", "services: " + r("[", n)},
		"Compose block":         {"compose.yaml", "services:\n" + r("- ", n) + "x\n"},
		"Compose interpolation": {"compose.yaml", "services:\n  a:\n    build:\n      args:\n        X: \"" + r("${A:-", half) + "x" + r("}", half) + "\"\n"},
		"project file flow":     {".dockerfile-ls.yaml", "rules: " + r("{a: ", n)},
	}
}

// TestDeepFilesAreRefused: past budget.MaxFileNesting a project, Compose
// or bake file is not parsed (100,000 nested brackets overflowed the HCL
// parser's stack, which kills the process) and the user is told why.
func TestDeepFilesAreRefused(t *testing.T) {
	for name, f := range deepFiles() {
		t.Run(name, func(t *testing.T) {
			if len(f.text) > safefile.MaxProjectFile {
				t.Fatalf("%d bytes: the size limit, not the nesting, would refuse it", len(f.text))
			}
			root := t.TempDir()
			if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			df := writeFile(t, filepath.Join(root, "Dockerfile"), "FROM scratch\n")
			writeFile(t, filepath.Join(root, f.name), f.text)
			var mu sync.Mutex
			var warnings []string
			l := &Loader{Warn: func(w string) { mu.Lock(); warnings = append(warnings, w); mu.Unlock() }}
			_, src, err := l.Load(df)
			if f.name == ".dockerfile-ls.yaml" {
				if !errors.Is(err, ErrTooDeep) {
					t.Errorf("Load = %v, want ErrTooDeep", err)
				}
				return
			}
			if err != nil || src != "" {
				t.Errorf("Load = %q, %v; want no settings and no error", src, err)
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0], "nests too deep") {
				t.Errorf("warnings = %q, want one saying the file nests too deep", warnings)
			}
		})
	}
}

// TestNestingBudgetEdge: a file nesting as deep as the budget is read,
// one level more is not; what real files hold counts little.
func TestNestingBudgetEdge(t *testing.T) {
	n := budget.MaxFileNesting
	r := strings.Repeat
	cases := []struct {
		name, text string
		ok         bool
	}{
		{"docker-bake.hcl", "x = " + r("[", n) + r("]", n) + "\n", true},
		{"docker-bake.hcl", "x = " + r("[", n+1) + r("]", n+1) + "\n", false},
		{"docker-bake.hcl", r("x = !true ? -1 : 2\n", 2*n), true},
		{"docker-bake.hcl", "x = [" + r("-1,\n", 2*n) + "]\n", true},
		{"docker-bake.hcl", "# " + r("(", 2*n) + "\nx = \"" + r("[", 2*n) + "\"\n", true},
		{"docker-bake.json", r("[", n) + r("]", n), true},
		{"docker-bake.json", `{"a": "` + r("(", 2*n) + `"}`, true},
		{"compose.yaml", "a: " + r("[", n) + r("]", n) + "\n", true},
		{"compose.yaml", "a: " + r("[", n+1) + r("]", n+1) + "\n", false},
		{"compose.yaml", "a: \"" + r("${A:-", n) + "x" + r("}", n) + "\"\n", true},
		{"compose.yaml", "a: '" + r("${A:-", n+1) + "x" + r("}", n+1) + "'\n", false},
		{"compose.yaml", "a: \"" + r("${A}${B:-x}", 2*n) + "\"\n", true},
		{"compose.yaml", "# " + r("[", 2*n) + "\na: '" + r("{", 2*n) + "'\nb: \"[\\\"" + r("[", 2*n) + "\"\n", true},
	}
	for _, c := range cases {
		err := checkNesting(c.name, []byte(c.text))
		if c.ok != (err == nil) {
			t.Errorf("%s %.40q…: %v, want ok %v", c.name, c.text, err, c.ok)
		}
	}
}
