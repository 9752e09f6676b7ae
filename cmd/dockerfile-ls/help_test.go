package main

import (
	"strings"
	"testing"
)

// TestHelp: every command's --help (and -h, and `help COMMAND`) prints that
// command's usage on standard output and exits 0.
func TestHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // the start of the usage
	}{
		{[]string{"--help"}, "dockerfile-ls: a language server"},
		{[]string{"-h"}, "dockerfile-ls: a language server"},
		{[]string{"help"}, "dockerfile-ls: a language server"},
		{[]string{"--stdio", "--help"}, "dockerfile-ls: a language server"},
		{[]string{"check", "--help"}, "Usage: dockerfile-ls check "},
		{[]string{"check", "-h"}, "Usage: dockerfile-ls check "},
		{[]string{"check", "Dockerfile", "--help"}, "Usage: dockerfile-ls check "},
		{[]string{"cache", "--help"}, "Usage: dockerfile-ls cache "},
		{[]string{"cache", "-h"}, "Usage: dockerfile-ls cache "},
		{[]string{"cache", "Dockerfile", "--changed", "app.py", "--help"}, "Usage: dockerfile-ls cache "},
		{[]string{"help", "cache"}, "Usage: dockerfile-ls cache "},
		{[]string{"rules", "--help"}, "Usage: dockerfile-ls rules "},
		{[]string{"rules", "-h"}, "Usage: dockerfile-ls rules "},
		{[]string{"version", "--help"}, "Usage: dockerfile-ls version"},
	} {
		code, out, errOut := runCLI(t, c.args...)
		if code != 0 || !strings.HasPrefix(out, c.want) || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 0 and stdout starting %q", c.args, code, firstLine(out), errOut, c.want)
		}
	}
}

// TestUsageErrors: a usage error names the command, prints that command's
// usage on standard error and exits 2.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cache", "--no-such-flag"}, "dockerfile-ls cache: flag provided but not defined: -no-such-flag\n\nUsage: dockerfile-ls cache "},
		{[]string{"cache"}, "dockerfile-ls cache: want one Dockerfile, got 0\n\nUsage: dockerfile-ls cache "},
		{[]string{"cache", "a", "b"}, "dockerfile-ls cache: want one Dockerfile, got 2\n\nUsage: dockerfile-ls cache "},
		{[]string{"cache", "--format", "xml", "Dockerfile"}, `dockerfile-ls cache: unknown --format "xml" (text or json)`},
		{[]string{"rules", "extra"}, "dockerfile-ls rules: unexpected argument \"extra\"\n\nUsage: dockerfile-ls rules "},
		{[]string{"version", "extra"}, "dockerfile-ls version: unexpected argument \"extra\"\n\nUsage: dockerfile-ls version"},
		{[]string{"help", "nosuch"}, `dockerfile-ls: unknown command "nosuch"`},
		{[]string{"check", "--nope"}, "dockerfile-ls check: flag provided but not defined: -nope\n\nUsage: dockerfile-ls check "},
	} {
		code, out, errOut := runCLI(t, c.args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and stderr starting %q", c.args, code, firstLine(out), errOut, c.want)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
