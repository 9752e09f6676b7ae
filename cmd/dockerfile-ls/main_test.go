package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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
