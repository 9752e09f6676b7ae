package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
)

// readmePath is the repository's README, from this package's folder.
var readmePath = filepath.Join("..", "..", "README.md")

// demoBlock locates the ```console block under the README's "## 30-second
// demo" heading: the text before its first line, the block's lines, the
// text after its closing fence.
func demoBlock(readme string) (before string, block []string, after string, err error) {
	const heading, fence = "\n## 30-second demo\n", "```console\n"
	h := strings.Index(readme, heading)
	if h < 0 {
		return "", nil, "", fmt.Errorf("no %q heading", strings.TrimSpace(heading))
	}
	start := strings.Index(readme[h:], fence)
	if start < 0 {
		return "", nil, "", fmt.Errorf("no %q block under %q", strings.TrimSpace(fence), strings.TrimSpace(heading))
	}
	start += h + len(fence)
	end := strings.Index(readme[start:], "```\n")
	if end < 0 {
		return "", nil, "", fmt.Errorf("the demo block never ends")
	}
	end += start
	return readme[:start], strings.SplitAfter(readme[start:end], "\n"), readme[end:], nil
}

// demoCommand turns a "$ ./bin/dockerfile-ls ARGS   # comment" line into
// ARGS; the demo runs only the binary, so that the test can run it too.
func demoCommand(line string) ([]string, error) {
	const prompt = "$ ./bin/dockerfile-ls "
	if !strings.HasPrefix(line, prompt) {
		return nil, fmt.Errorf("%q: the demo may only run %q", strings.TrimSpace(line), strings.TrimSpace(prompt))
	}
	cmd, _, _ := strings.Cut(line[len(prompt):], "#")
	return strings.Fields(cmd), nil
}

// runDemo runs the block's commands in the repository's root, as a user
// would after `make build`, and returns the block as it should read: each
// command line followed by what it prints on the terminal (standard
// output and error, in the order written).
func runDemo(t *testing.T, block []string) string {
	t.Helper()
	t.Chdir(filepath.Join("..", ".."))
	var want strings.Builder
	for _, line := range block {
		if !strings.HasPrefix(line, "$ ") {
			continue
		}
		args, err := demoCommand(line)
		if err != nil {
			t.Fatal(err)
		}
		var terminal buffer
		run(args, strings.NewReader(""), &terminal, &terminal)
		want.WriteString(line + terminal.String())
	}
	return want.String()
}

// TestREADMEDemo: the README's demo shows what its commands print today.
// After an intended change to the output, rewrite the block with
// `go test ./cmd/dockerfile-ls -run READMEDemo -update` and review it.
func TestREADMEDemo(t *testing.T) {
	// Absolute: the demo runs in another folder.
	path, err := filepath.Abs(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, block, after, err := demoBlock(string(text))
	if err != nil {
		t.Fatalf("%s: %v", readmePath, err)
	}
	got := strings.Join(block, "")
	want := runDemo(t, block)
	if !strings.Contains(want, "$ ") {
		t.Fatalf("%s: the demo block runs no command", readmePath)
	}
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(before+want+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the demo differs from what its commands print (run with -update after checking the change):\n%s",
		readmePath, cli.UnifiedDiff("README.md", "output", []byte(got), []byte(want)))
}
