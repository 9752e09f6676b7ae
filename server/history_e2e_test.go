package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
	"github.com/dockerfile-ls/dockerfile-ls/server"
)

// historyLensesOf asks for u's lenses until one says want (answering the
// server's refresh requests meanwhile), and returns the history lenses.
func historyLensesOf(t *testing.T, c *lsptest.Client, u, want string) []wireLens {
	t.Helper()
	answered := map[string]bool{}
	var got []wireLens
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		got = got[:0]
		for _, l := range codeLenses(t, c, u) {
			if strings.HasPrefix(l.Command.Title, "re-ran in ") {
				got = append(got, l)
			}
		}
		for _, l := range got {
			if strings.Contains(l.Command.Title, want) {
				return got
			}
		}
		answerRefreshes(c, answered, "")
	}
	t.Fatalf("no history lens says %q; got %+v", want, got)
	return nil
}

// lensRefreshes counts the server's workspace/codeLens/refresh requests.
func lensRefreshes(c *lsptest.Client) int {
	n := 0
	for _, m := range c.Messages() {
		if m.Method == "workspace/codeLens/refresh" {
			n++
		}
	}
	return n
}

func historyOptions(on bool) map[string]any {
	return map[string]any{"sizes": "off", "cacheHistory": map[string]any{"codeLens": on}}
}

// TestHistoryCodeLensE2E: with cacheHistory.codeLens on, each step that
// costs something says how often it re-ran over the commits that changed
// the build context, once the forecast is in; a new commit moves HEAD,
// and the lenses follow it.
func TestHistoryCodeLensE2E(t *testing.T) {
	p := server.NewHistoryProject(t)
	c := lsptest.Start(t)
	initializeWith(t, c, historyOptions(true))
	openFile(c, p.URI(), server.HistoryDockerfile)

	lenses := historyLensesOf(t, c, p.URI(), "of the last 3 commits")
	want := map[int]string{
		2: "re-ran in 3 of the last 3 commits · ~2 s each (estimate)",
		3: "re-ran in 3 of the last 3 commits · ~61 s each (estimate)",
	}
	if len(lenses) != len(want) {
		t.Fatalf("got %d history lenses, want %d: %+v", len(lenses), len(want), lenses)
	}
	for _, l := range lenses {
		if want[l.Range.Start.Line] != l.Command.Title {
			t.Errorf("line %d: lens %q, want %q", l.Range.Start.Line, l.Command.Title, want[l.Range.Start.Line])
		}
		if !strings.Contains(l.Command.Tooltip, "no build is measured") {
			t.Errorf("line %d: the tooltip does not say the cost is an estimate: %q", l.Range.Start.Line, l.Command.Tooltip)
		}
	}

	// A commit moves HEAD: the server asks for the lenses again, and the
	// next forecast counts it.
	before := lensRefreshes(c)
	p.Change("src/c.js", "1")
	answered := map[string]bool{}
	for deadline := time.Now().Add(15 * time.Second); lensRefreshes(c) == before; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("HEAD moved, but the server did not ask for the code lenses again")
		}
		answerRefreshes(c, answered, "")
	}
	historyLensesOf(t, c, p.URI(), "re-ran in 4 of the last 4 commits")
	if code := c.Exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// TestHistoryCodeLensOffE2E: the lens is off unless the editor turns it
// on; the size lenses come alone.
func TestHistoryCodeLensOffE2E(t *testing.T) {
	p := server.NewHistoryProject(t)
	for _, opts := range []map[string]any{nil, historyOptions(false)} {
		c := lsptest.Start(t)
		initializeWith(t, c, opts)
		openFile(c, p.URI(), server.HistoryDockerfile)
		codeLenses(t, c, p.URI())
		time.Sleep(3 * time.Second) // well past the settling time
		for _, l := range codeLenses(t, c, p.URI()) {
			if strings.HasPrefix(l.Command.Title, "re-ran in ") {
				t.Errorf("options %v: a history lens while the setting is off: %+v", opts, l)
			}
		}
		if code := c.Exit(); code != 0 {
			t.Errorf("exit code %d", code)
		}
	}
}

// TestHistoryNoCommitsE2E: a repository whose only commit is the first
// has no build before it to compare with: once the forecast is in (the
// server asks for the lenses again), there is no history lens.
func TestHistoryNoCommitsE2E(t *testing.T) {
	p := server.NewFirstCommit(t)
	c := lsptest.Start(t)
	initializeWith(t, c, historyOptions(true))
	openFile(c, p.URI(), server.HistoryDockerfile)
	codeLenses(t, c, p.URI())
	answered := map[string]bool{}
	for deadline := time.Now().Add(30 * time.Second); lensRefreshes(c) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the forecast never ended: no workspace/codeLens/refresh")
		}
		answerRefreshes(c, answered, "")
	}
	for _, l := range codeLenses(t, c, p.URI()) {
		if strings.HasPrefix(l.Command.Title, "re-ran in ") {
			t.Errorf("a history lens over no commit: %+v", l)
		}
	}
	if code := c.Exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// TestHistoryRunsNothingE2E: the repository's configuration and hooks
// name programs (core.fsmonitor runs on a `git status`, hooks on a
// checkout or commit): the forecast reads git without git, so none runs.
func TestHistoryRunsNothingE2E(t *testing.T) {
	p := server.NewHistoryProject(t)
	marker := filepath.Join(t.TempDir(), "ran")
	run := "#!/bin/sh\ntouch " + marker + "\n"
	config, err := os.OpenFile(filepath.Join(p.Dir, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer config.Close()
	hook := filepath.Join(p.Dir, ".git", "hooks", "fsmonitor")
	if _, err := config.WriteString("[core]\n\tfsmonitor = " + hook + "\n\tpager = " + hook + "\n[diff]\n\texternal = " + hook + "\n"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fsmonitor", "post-checkout", "pre-commit", "post-index-change", "reference-transaction"} {
		f := filepath.Join(p.Dir, ".git", "hooks", name)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(run), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c := lsptest.Start(t)
	initializeWith(t, c, historyOptions(true))
	openFile(c, p.URI(), server.HistoryDockerfile)
	historyLensesOf(t, c, p.URI(), "of the last 3 commits")
	if _, err := os.Stat(marker); err == nil {
		t.Error("the forecast ran a program the repository's configuration or hooks name")
	}
	if code := c.Exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// TestHistoryHoverE2E: once the forecast is in, a hover on the install
// CopyBeforeInstall reports adds what its fix would have saved over the
// same commits, also on the command's text, where no hover of its own is.
func TestHistoryHoverE2E(t *testing.T) {
	p := server.NewHistoryProject(t)
	c := lsptest.Start(t)
	initializeWith(t, c, historyOptions(true))
	openFile(c, p.URI(), server.HistoryDockerfile)
	historyLensesOf(t, c, p.URI(), "of the last 3 commits")

	var h struct {
		Contents struct{ Value string }
	}
	for _, char := range []int{1, 6} { // the keyword, then "npm"
		edResult(t, c, "textDocument/hover", map[string]any{
			"textDocument": map[string]any{"uri": p.URI()},
			"position":     map[string]any{"line": 3, "character": char},
		}, &h)
		if !strings.Contains(h.Contents.Value, "after the fix it would have in 1") {
			t.Errorf("hover at 3:%d: %q, want what the fix would have saved", char, h.Contents.Value)
		}
	}
	if code := c.Exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}
