package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

// TestRefusedContextIsShown (issue 18): a build context the server refuses
// (out of the workspace, or with an ignore file it does not read) is told
// to the user with window/showMessage, once per context and reason however
// often the document is analysed, instead of the findings that need it
// going silent unexplained.
func TestRefusedContextIsShown(t *testing.T) {
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(tmp, "ws")
	writeFiles(t, map[string]string{
		tmp + "/passwd":                     "root:x:0:0\n",
		ws + "/up/Dockerfile":               scopeDockerfile,
		ws + "/up/.dockerfile-ls.yaml":      "context: ../..\n",
		ws + "/ignored/Dockerfile":          scopeDockerfile,
		ws + "/ignored/package.json":        "{}\n",
		ws + "/ignored/.dockerfile-ls.yaml": "context: .\n",
	})
	if err := os.Symlink(tmp+"/passwd", ws+"/ignored/.dockerignore"); err != nil {
		t.Fatal(err)
	}
	c := lsptest.Start(t)
	initializeIn(c, ws)
	for _, dockerfile := range []string{ws + "/up/Dockerfile", ws + "/ignored/Dockerfile"} {
		docURI := "file://" + dockerfile
		openAt(c, docURI, scopeDockerfile)
		for v := 2; v <= 3; v++ { // each edit analyses the document again
			c.Notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": docURI, "version": v},
				"contentChanges": []any{map[string]any{"text": scopeDockerfile + strings.Repeat("\n", v)}},
			})
			c.WaitDiagnostics(docURI, hasVersion(v))
		}
	}
	for _, want := range []struct{ context, reason string }{
		{tmp, "outside the folders a build context may be in"},
		{ws + "/ignored", "the ignore file cannot be used"},
	} {
		m := c.Wait("a message about "+want.context, func(m lsptest.Message) bool { return shown(m, want.context, want.reason) })
		time.Sleep(500 * time.Millisecond) // room for a repeat to arrive
		n := 0
		for _, m := range c.Messages() {
			if shown(m, want.context, want.reason) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d messages about %s, want 1: %s", n, want.context, m.Params)
		}
	}
}

// shown reports whether m is a window/showMessage naming the context root
// and the reason.
func shown(m lsptest.Message, root, reason string) bool {
	var p struct{ Message string }
	if m.Method != "window/showMessage" || json.Unmarshal(m.Params, &p) != nil {
		return false
	}
	return strings.Contains(p.Message, "build context "+root+": ") && strings.Contains(p.Message, reason)
}

// TestWorkspaceFoldersChange (issue 18): the server says it follows
// workspace folders as they change, and a folder added or removed widens
// or narrows where build contexts may be: a context in a folder no longer
// open is refused from then on.
func TestWorkspaceFoldersChange(t *testing.T) {
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(tmp, "ws")
	writeFiles(t, map[string]string{
		ws + "/ws-big.bin":             strings.Repeat("x", 1<<20),
		ws + "/package.json":           "{}\n",
		ws + "/up/Dockerfile":          scopeDockerfile,
		ws + "/up/package.json":        "{}\n",
		ws + "/up/.dockerfile-ls.yaml": "context: ..\n",
	})
	c := lsptest.Start(t)
	res := initializeIn(c, "")
	var caps struct {
		Capabilities struct {
			Workspace struct {
				WorkspaceFolders struct {
					Supported           bool `json:"supported"`
					ChangeNotifications bool `json:"changeNotifications"`
				} `json:"workspaceFolders"`
			} `json:"workspace"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(res.Result, &caps); err != nil || !caps.Capabilities.Workspace.WorkspaceFolders.ChangeNotifications || !caps.Capabilities.Workspace.WorkspaceFolders.Supported {
		t.Errorf("workspace folder changes are not asked for: %s", res.Result)
	}
	docURI := "file://" + ws + "/up/Dockerfile"
	openAt(c, docURI, scopeDockerfile)
	folder := []any{map[string]any{"uri": "file://" + ws, "name": "ws"}}
	steps := []struct {
		what        string
		added, gone []any
		walked      bool
	}{
		{"no workspace folder: the context above the Dockerfile is refused", nil, nil, false},
		{"the folder added: it is walked", folder, []any{}, true},
		{"the folder removed: refused again", []any{}, folder, false},
	}
	for _, s := range steps {
		if s.added != nil {
			c.Notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{"added": s.added, "removed": s.gone}})
		}
		msgs := settledMessages(t, c, docURI, "CopyBeforeInstall", func(msgs string) bool {
			return msgs != "" && strings.Contains(msgs, "(e.g. ws-big.bin)") == s.walked
		})
		if msgs == "" || strings.Contains(msgs, "(e.g. ws-big.bin)") != s.walked {
			t.Errorf("%s: CopyBeforeInstall says %q", s.what, msgs)
		}
	}
}

// initializeIn initializes the server with that workspace folder ("" for
// none) and returns the answer.
func initializeIn(c *lsptest.Client, workspace string) lsptest.Message {
	params := map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}
	if workspace != "" {
		params["workspaceFolders"] = []any{map[string]any{"uri": "file://" + workspace, "name": "ws"}}
	}
	res := c.Call("initialize", params)
	c.Notify("initialized", map[string]any{})
	return res
}

// openAt opens a Dockerfile at version 1.
func openAt(c *lsptest.Client, docURI, text string) {
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": docURI, "languageId": "dockerfile", "version": 1, "text": text}})
}

// settledMessages waits (20 s at most) until the last publish's messages
// with that code satisfy done and then stay the same for a second, and
// returns them.
func settledMessages(t *testing.T, c *lsptest.Client, docURI, code string, done func(string) bool) string {
	t.Helper()
	last, quiet := "", time.Now()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		msgs := lastMessages(c, docURI, code)
		if msgs != last {
			last, quiet = msgs, time.Now()
		}
		if done(last) && time.Since(quiet) > time.Second {
			break
		}
	}
	return last
}
