package main

import (
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden and the README's demo")

// fakeFixes stands in for codeactions.For in the golden tests, so that
// their output does not change whenever a fix is added: uppercase
// keywords and AS (in fix-all), MAINTAINER to LABEL (not in fix-all).
func fakeFixes(st *dockerfile.BuildState, findings []diagnostics.Finding, _ *buildcontext.Context) []codeactions.Action {
	doc := st.Document()
	var out []codeactions.Action
	for _, f := range findings {
		in := doc.InstructionAt(f.Span.Start)
		if in == nil {
			continue
		}
		switch f.Rule {
		case "ConsistentInstructionCasing":
			kw := doc.Slice(in.KeywordSpan)
			out = append(out, codeactions.Action{Title: "Change '" + kw + "' to '" + strings.ToUpper(kw) + "'", Finding: f, InFixAll: true,
				Edits: []dockerfile.Edit{{Start: in.KeywordSpan.Start, End: in.KeywordSpan.End, Text: strings.ToUpper(kw)}}})
		case "FromAsCasing":
			for _, w := range in.Args {
				if strings.EqualFold(w.Value, "as") {
					out = append(out, codeactions.Action{Title: "Change '" + w.Value + "' to 'AS'", Finding: f, InFixAll: true,
						Edits: []dockerfile.Edit{{Start: w.Span.Start, End: w.Span.End, Text: "AS"}}})
				}
			}
		case "MaintainerDeprecated":
			out = append(out, codeactions.Action{Title: "Replace MAINTAINER with a LABEL", Finding: f,
				Edits: []dockerfile.Edit{{Start: in.Span.Start, End: in.Span.End, Text: `LABEL org.opencontainers.image.authors="` + doc.Slice(in.ArgsSpan) + `"`}}})
		}
	}
	return out
}

// withFixes makes the command use fixes for the duration of a test.
func withFixes(t *testing.T, fixes codeactions.Offer) {
	t.Helper()
	saved := fixesFor
	fixesFor = fixes
	t.Cleanup(func() { fixesFor = saved })
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run with -update after checking the change):\n%s", path, cli.UnifiedDiff("want", "got", want, []byte(got)))
	}
}

// inDir runs the command in dir and restores the working folder after.
func inDir(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Chdir(wd); err != nil {
			t.Fatal(err)
		}
	}()
	return runCLI(t, args...)
}

// TestGolden runs `check` in testdata/project in every format.
func TestGolden(t *testing.T) {
	withFixes(t, fakeFixes)
	project := filepath.Join("testdata", "project")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"text", []string{"check"}},
		{"json", []string{"check", "--format", "json"}},
		{"sarif", []string{"check", "--format", "sarif"}},
		{"github", []string{"check", "--format", "github"}},
		{"checkstyle", []string{"check", "--format", "checkstyle"}},
		{"diff", []string{"check", "--diff"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := inDir(t, project, c.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", code, errOut)
			}
			golden(t, c.name+".golden", out)
			switch c.name {
			case "json":
				var fs []jsonFinding
				if err := json.Unmarshal([]byte(out), &fs); err != nil {
					t.Fatal(err)
				}
			case "checkstyle":
				var v checkstyleRoot
				if err := xml.Unmarshal([]byte(out), &v); err != nil || len(v.Files) != 3 {
					t.Fatalf("%v: %+v", err, v)
				}
			}
		})
	}
}

func TestTextColor(t *testing.T) {
	p := write(t, t.TempDir(), "Dockerfile", "FROM alpine:3.19\nrun echo hi\nRUN echo x\n")
	_, out, _ := runCLI(t, "check", "--color", "always", p)
	if !strings.Contains(out, "\x1b[33mwarning\x1b[0m") {
		t.Errorf("no colour: %q", out)
	}
	_, out, _ = runCLI(t, "check", p)
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour when not on a terminal: %q", out)
	}
}

func TestFailLevel(t *testing.T) {
	dir := t.TempDir()
	clean := write(t, dir, "clean.Dockerfile", "FROM scratch\nENV A=1\n")
	warn := write(t, dir, "warn.Dockerfile", "FROM alpine:3.19\nrun echo hi\nRUN echo x\n")
	broken := write(t, dir, "broken.Dockerfile", "FROM alpine:3.19\nRUN <<EOF\nnever ends\n")
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"check", warn}, 0},
		{[]string{"check", "--fail-level", "warning", warn}, 1},
		{[]string{"check", warn, "--fail-level=warning"}, 1},
		{[]string{"check", "--fail-level", "hint", clean}, 0},
		{[]string{"check", "--fail-level", "none", broken}, 0},
		{[]string{"check", "--fail-level", "error", broken, clean}, 1},
		{[]string{"check", "--fail-level", "loud", clean}, 2},
		{[]string{"check", "--color", "sometimes", clean}, 2},
		{[]string{"check", "--build-arg", "NOVALUE", clean}, 2},
		{[]string{"check", "-", "-"}, 2},
		{[]string{"check", filepath.Join(dir, "*.nothing")}, 2},
		{[]string{"check", clean, filepath.Join(dir, "missing")}, 2},
	}
	for _, c := range cases {
		if code, _, errOut := runCLI(t, c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d; stderr %s", c.args, code, c.code, errOut)
		}
	}
}

// TestDiscovery checks which files `check` finds with no path, with a
// folder and with globs.
func TestDiscovery(t *testing.T) {
	dir := t.TempDir()
	files := []string{
		"Dockerfile", "Containerfile", "api/Dockerfile.prod", "web/web.Dockerfile", "deep/a/b/Dockerfile",
		// not Dockerfiles, or not searched:
		"Dockerfile.dockerignore", "api/Dockerfile.prod.dockerignore", "README.md", "Dockerfiles/readme.txt",
		".git/Dockerfile", "node_modules/x/Dockerfile", "vendor/Dockerfile", "build/Dockerfile", "logs/x/Dockerfile",
		"third_party/Dockerfile", "keep/Dockerfile",
	}
	for _, f := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		// Every file has a finding, so that the JSON output lists it.
		write(t, dir, f, "FROM alpine:3.19\nrun echo\nRUN echo\n")
	}
	write(t, dir, ".gitignore", "/build\nlogs/\n*.log\n")
	write(t, dir, ".dockerfile-ls.yaml", "ignore: [third_party]\n")
	if err := os.Symlink("Dockerfile", filepath.Join(dir, "link.Dockerfile")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("deep", filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	found := func(args ...string) []string {
		t.Helper()
		code, out, errOut := inDir(t, dir, append([]string{"check", "--format", "json", "--fail-level", "none"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		var fs []jsonFinding
		if err := json.Unmarshal([]byte(out), &fs); err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, f := range fs {
			if !slices.Contains(paths, f.Path) {
				paths = append(paths, f.Path)
			}
		}
		return paths
	}
	want := []string{"Containerfile", "Dockerfile", "api/Dockerfile.prod", "deep/a/b/Dockerfile", "keep/Dockerfile", "link.Dockerfile", "web/web.Dockerfile"}
	if got := found(); !slices.Equal(got, want) {
		t.Errorf("no path: %v\nwant %v", got, want)
	}
	if got := found("."); !slices.Equal(got, want) {
		t.Errorf(".: %v", got)
	}
	if got := found("api"); !slices.Equal(got, []string{"api/Dockerfile.prod"}) {
		t.Errorf("api: %v", got)
	}
	if got := found("**/Dockerfile"); !slices.Equal(got, []string{"Dockerfile", "deep/a/b/Dockerfile", "keep/Dockerfile"}) {
		t.Errorf("**/Dockerfile: %v", got)
	}
	if got := found("deep/*/b/Dockerfile", "web/*"); !slices.Equal(got, []string{"deep/a/b/Dockerfile", "web/web.Dockerfile"}) {
		t.Errorf("globs: %v", got)
	}
	// Named files are checked even where discovery would not look.
	if got := found("vendor/Dockerfile", "README.md", "Dockerfile", "./Dockerfile", "third_party/Dockerfile"); !slices.Equal(got, []string{"vendor/Dockerfile", "README.md", "Dockerfile"}) {
		t.Errorf("named: %v", got)
	}
}

// TestNothingFound: a path, folder or glob that finds no Dockerfile is an
// error (exit 2) with a message saying so, whether or not other paths find
// some; "-" still reads standard input.
func TestNothingFound(t *testing.T) {
	dir := t.TempDir()
	mkdirs(t, dir, "empty", "docs", "deps/vendor")
	write(t, dir, "docs/README.md", "# docs\n")
	write(t, dir, "Dockerfile", "FROM alpine:3.19\n")
	write(t, dir, "deps/vendor/Dockerfile", "FROM alpine:3.19\n") // vendor/ is not searched
	for _, c := range []struct {
		cwd  string
		args []string
		want string
	}{
		{filepath.Join(dir, "empty"), nil, "no Dockerfile in the current folder or below"},
		{dir, []string{"deps"}, "no Dockerfile in deps or below"},
		{dir, []string{"empty"}, "no Dockerfile in empty or below"},
		{dir, []string{"docs"}, "no Dockerfile in docs or below"},
		{dir, []string{"Dockerfile", "empty"}, "no Dockerfile in empty or below"},
		{dir, []string{"*/*.nothing"}, `no file matches "*/*.nothing"`},
		// A glob whose files another path already found still found them.
		{dir, []string{"Dockerfile", "Dock*", "empty"}, "no Dockerfile in empty or below"},
	} {
		code, _, errOut := inDir(t, c.cwd, append([]string{"check"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("check %v in %s: exit %d, stderr %q; want exit 2 and %q alone", c.args, c.cwd, code, errOut, c.want)
		}
	}
	if code, _, errOut := inDir(t, dir, "check", "Dockerfile", "Dock*"); code != 0 || errOut != "" {
		t.Errorf("a glob matching an already named file: exit %d: %s", code, errOut)
	}
	var out, errOut buffer
	if code := run([]string{"check", "-"}, strings.NewReader("FROM alpine:3.19\n"), &out, &errOut); code != 0 {
		t.Errorf("stdin: exit %d: %s", code, errOut.String())
	}
}

// TestFixWithDiff: --fix and --diff together are a usage error; neither
// writes.
func TestFixWithDiff(t *testing.T) {
	withFixes(t, fakeFixes)
	p := write(t, t.TempDir(), "Dockerfile", casingText)
	for _, args := range [][]string{{"--fix", "--diff"}, {"--diff", "--fix"}, {"--fix", p, "--diff"}} {
		code, out, errOut := runCLI(t, append(append([]string{"check"}, args...), p)...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "dockerfile-ls check: --fix and --diff cannot be combined") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		if read(t, p) != casingText {
			t.Fatalf("%v wrote the file", args)
		}
	}
}

func TestStdin(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".dockerfile-ls.yaml", "rules:\n  ConsistentInstructionCasing: error\n")
	text := "FROM alpine:3.19\nrun echo hi\nRUN echo x\n"
	var out, errOut buffer
	code := run([]string{"check", "--stdin-filename", filepath.Join(dir, "sub", "Dockerfile"), "-"}, strings.NewReader(text), &out, &errOut)
	if code != 1 || !strings.Contains(out.String(), "sub/Dockerfile:2:1: error ConsistentInstructionCasing") {
		t.Errorf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	out.Reset()
	code = run([]string{"check", "-"}, strings.NewReader(text), &out, &errOut)
	if code != 0 || !strings.HasPrefix(out.String(), "-:2:1: warning ConsistentInstructionCasing") {
		t.Errorf("exit %d: %s", code, out.String())
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".dockerfile-ls.yaml", "rules:\n  ConsistentInstructionCasing: loud\n")
	p := write(t, dir, "Dockerfile", "FROM alpine:3.19\n")
	code, _, errOut := runCLI(t, "check", p)
	if code != 2 || !strings.Contains(errOut, ".dockerfile-ls.yaml:2: rule ConsistentInstructionCasing") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	write(t, dir, ".dockerfile-ls.yaml", "rules:\n  NoSuchRule: warning\n")
	code, _, errOut = runCLI(t, "check", p)
	if code != 0 || !strings.Contains(errOut, `warning: `) || !strings.Contains(errOut, `:2: unknown rule "NoSuchRule"`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	// --config names the file; a missing context is an I/O error.
	cfg := write(t, dir, "cfg.yaml", "context: nowhere\n")
	code, _, errOut = runCLI(t, "check", "--config", cfg, p)
	if code != 2 || !strings.Contains(errOut, "build context") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	// A context it names outside the current folder and the Dockerfile's
	// is not read (only --context widens the context).
	other := write(t, t.TempDir(), "cfg.yaml", "context: nowhere\n")
	code, _, errOut = runCLI(t, "check", "--config", other, p)
	if code != 0 || !strings.Contains(errOut, "cannot widen the build context") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, _ = runCLI(t, "check", "--config", filepath.Join(dir, "missing.yaml"), p)
	if code != 2 {
		t.Errorf("missing --config: exit %d", code)
	}
}

// TestSettingsReachTheAnalysis: the target, build args and rule settings
// from the project file, Compose and the command line change findings.
func TestSettingsReachTheAnalysis(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The "dev" stage has a relative WORKDIR; building "prod" skips it.
	p := write(t, dir, "Dockerfile", "FROM alpine:3.19 AS dev\nWORKDIR src\n\nFROM alpine:3.19 AS prod\nRUN echo\n")
	rules := func(args ...string) []string {
		t.Helper()
		_, out, errOut := runCLI(t, append([]string{"check", "--format", "json"}, append(args, p)...)...)
		var fs []jsonFinding
		if err := json.Unmarshal([]byte(out), &fs); err != nil {
			t.Fatalf("%v: %s", err, errOut)
		}
		var names []string
		for _, f := range fs {
			names = append(names, f.Rule)
		}
		return names
	}
	if got := rules(); !slices.Contains(got, "WorkdirRelativePath") {
		t.Errorf("all stages: %v", got)
	}
	if got := rules("--target", "prod"); slices.Contains(got, "WorkdirRelativePath") {
		t.Errorf("--target prod: %v", got)
	}
	write(t, dir, "compose.yaml", "services:\n  app:\n    build:\n      context: .\n      target: prod\n")
	if got := rules(); slices.Contains(got, "WorkdirRelativePath") {
		t.Errorf("compose target prod: %v", got)
	}
	write(t, dir, ".dockerfile-ls.yaml", "target: dev\nrules:\n  UnpinnedBaseImage: off\n")
	if got := rules(); !slices.Contains(got, "WorkdirRelativePath") {
		t.Errorf("the project file's target wins over Compose's: %v", got)
	}
	write(t, dir, ".dockerfile-ls.yaml", "rules:\n  WorkdirRelativePath: off\n")
	if got := rules("--target", "dev"); slices.Contains(got, "WorkdirRelativePath") {
		t.Errorf("rule off: %v", got)
	}
}

func TestRulesCommand(t *testing.T) {
	code, out, _ := runCLI(t, "rules", "--format", "json")
	var rules []jsonRule
	if err := json.Unmarshal([]byte(out), &rules); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if len(rules) != len(diagnostics.Rules()) {
		t.Errorf("%d rules, want %d", len(rules), len(diagnostics.Rules()))
	}
	byName := map[string]jsonRule{}
	for _, r := range rules {
		byName[r.Name] = r
	}
	if r := byName["JSONArgsRecommended"]; r.Category != "buildkit" || r.Severity != "warning" || !slices.Equal(r.Hadolint, []string{"DL3025"}) || r.DocsURL == "" {
		t.Errorf("%+v", r)
	}
	if r := byName["ParseError"]; r.Severity != "error" || r.Category != "syntax" {
		t.Errorf("%+v", r)
	}
	code, out, _ = runCLI(t, "rules")
	if code != 0 || !strings.HasPrefix(out, "RULE") || !strings.Contains(out, "JSONArgsRecommended") {
		t.Errorf("exit %d: %s", code, out)
	}
	if code, _, _ := runCLI(t, "rules", "--format", "xml"); code != 2 {
		t.Errorf("rules --format xml: exit %d", code)
	}
}

func TestGitHubEscaping(t *testing.T) {
	if got := ghData("50% done\nnext"); got != "50%25 done%0Anext" {
		t.Error(got)
	}
	if got := ghProperty("a:b,c"); got != "a%3Ab%2Cc" {
		t.Error(got)
	}
}
