package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

type buffer struct{ strings.Builder }

func (*buffer) Close() error { return nil }

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut buffer
	code = run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// mkdirs creates folders under dir.
func mkdirs(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := os.MkdirAll(filepath.Join(dir, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	clean := write(t, dir, "clean.Dockerfile", "FROM alpine:3.19\nRUN echo hi\n")
	warn := write(t, dir, "warn.Dockerfile", "FROM alpine:3.19\nrun echo hi\nRUN echo x\n")
	broken := write(t, dir, "broken.Dockerfile", "FROM alpine\nRUN <<EOF\nnever ends\n")
	cases := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "dockerfile-ls "},
		{[]string{"--no-such-flag"}, 2, ""},
		{[]string{"check", "--format", "xml", clean}, 2, ""},
		{[]string{"check", filepath.Join(dir, "missing")}, 2, ""},
		{[]string{"check", clean}, 0, ""},
		{[]string{"check", warn}, 0, "warn.Dockerfile:2:1: warning ConsistentInstructionCasing"},
		{[]string{"check", broken}, 1, "broken.Dockerfile:2:1: error ParseError: unterminated heredoc"},
	}
	for _, c := range cases {
		code, out, _ := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("%v: exit %d, output %q; want exit %d containing %q", c.args, code, out, c.code, c.out)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	p := write(t, t.TempDir(), "Dockerfile", "FROM alpine:3.19\nrun echo hi\nRUN echo x\n")
	code, out, _ := runCLI(t, "check", "--format", "json", p)
	var fs []jsonFinding
	if err := json.Unmarshal([]byte(out), &fs); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if len(fs) != 1 || fs[0].Rule != "ConsistentInstructionCasing" || fs[0].Line != 2 || fs[0].Column != 1 || fs[0].Severity != "warning" {
		t.Errorf("%+v", fs)
	}
}

func TestCacheCommand(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "app.py", "print(1)\n")
	write(t, dir, "requirements.txt", "flask\n")
	p := write(t, dir, "Dockerfile", "FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n")
	code, out, _ := runCLI(t, "cache", p, "--changed", "app.py", "--format", "json")
	var res struct {
		Steps []jsonStep `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if len(res.Steps) != 3 || res.Steps[2].Status != "re-run" || res.Steps[2].Line != 3 || res.Steps[0].Status != "cached" {
		t.Errorf("%+v", res.Steps)
	}
	if code, _, _ := runCLI(t, "cache"); code != 2 {
		t.Errorf("cache without a path: exit %d", code)
	}
}

// TestCacheCommandProjectSettings: the target and context come from the
// project (here a bake file) unless the flags say otherwise.
func TestCacheCommandProjectSettings(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "docker-bake.hcl", "target \"app\" {\n  dockerfile = \"build/Dockerfile\"\n  target = \"prod\"\n}\n")
	write(t, dir, "app.py", "print(1)\n")
	if err := os.Mkdir(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := write(t, dir, "build/Dockerfile", "FROM python:3.12 AS prod\nCOPY app.py /app/\nFROM prod AS dev\nRUN pip install pytest\n")
	statuses := func(args ...string) string {
		code, out, stderr := runCLI(t, append([]string{"cache", p, "--changed", "app.py", "--format", "json"}, args...)...)
		var res struct {
			Steps []jsonStep `json:"steps"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 {
			t.Fatalf("exit %d, %v: %s %s", code, err, out, stderr)
		}
		var got []string
		for _, s := range res.Steps {
			got = append(got, s.Status)
		}
		return strings.Join(got, " ")
	}
	// The bake target builds prod from the repository root: app.py is in
	// that context, and dev is not built.
	if got := statuses(); got != "cached re-run not-built not-built" {
		t.Errorf("with the bake file's target and context: %s", got)
	}
	if got := statuses("--target", "dev"); got != "cached re-run re-run re-run" {
		t.Errorf("with --target dev: %s", got)
	}
}

// TestResolvedVersion: a stamped version wins; an unstamped build takes
// the module version Go recorded (go install …@v1.2.3), never "(devel)".
func TestResolvedVersion(t *testing.T) {
	module := func(v string) *debug.BuildInfo { return &debug.BuildInfo{Main: debug.Module{Version: v}} }
	for _, tc := range []struct {
		stamped string
		info    *debug.BuildInfo
		ok      bool
		want    string
	}{
		{"v0.2.0", module("v0.1.0"), true, "v0.2.0"},
		{"dev", module("v0.1.0"), true, "v0.1.0"},
		{"dev", module("(devel)"), true, "dev"},
		{"dev", module(""), true, "dev"},
		{"dev", nil, false, "dev"},
	} {
		if got := resolvedVersion(tc.stamped, tc.info, tc.ok); got != tc.want {
			t.Errorf("resolvedVersion(%q, %v) = %q, want %q", tc.stamped, tc.info, got, tc.want)
		}
	}
}
