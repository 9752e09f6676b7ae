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

// scopeDockerfile makes CopyBeforeInstall name the largest file of the
// build context as an example, which shows what the server walked.
const scopeDockerfile = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"

// TestContextScope: a repository cannot make the server walk, and name in
// a diagnostic, files outside the Dockerfile's workspace folder, and a
// Dockerfile in the home folder opened without a workspace gets no context
// walk; a context inside the workspace is walked as before.
func TestContextScope(t *testing.T) {
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ws, home := filepath.Join(tmp, "ws"), filepath.Join(tmp, "home")
	writeFiles(t, map[string]string{
		tmp + "/outside-big.bin":       strings.Repeat("x", 1<<20),
		home + "/home-big.bin":         strings.Repeat("x", 1<<20),
		home + "/package.json":         "{}\n",
		ws + "/inside/in-big.bin":      strings.Repeat("x", 1<<19),
		ws + "/inside/Dockerfile":      scopeDockerfile,
		ws + "/inside/package.json":    "{}\n",
		ws + "/up/Dockerfile":          scopeDockerfile,
		ws + "/up/package.json":        "{}\n",
		ws + "/up/.dockerfile-ls.yaml": "context: ../..\n",
	})
	t.Setenv("HOME", home)
	for _, c := range []struct {
		name, dockerfile string
		workspace        string // "" for none
		names            string // the file the message gives as an example, "" when no context is walked
	}{
		{"a context inside the workspace", ws + "/inside/Dockerfile", ws, "in-big.bin"},
		{"context: ../.. in the repository", ws + "/up/Dockerfile", ws, ""},
		{"the home folder without a workspace", home + "/Dockerfile", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			msgs := copyBeforeInstallMessages(t, c.workspace, c.dockerfile)
			if c.names != "" && !strings.Contains(msgs, "(e.g. "+c.names+")") {
				t.Errorf("the diagnostic does not name %s from the context: %q", c.names, msgs)
			}
			if c.names == "" && (msgs == "" || strings.Contains(msgs, "(e.g. ")) {
				t.Errorf("the diagnostic names a file from outside the scope: %q", msgs)
			}
		})
	}
}

func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for p, body := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyBeforeInstallMessages opens the Dockerfile in a server with that
// workspace folder and returns the CopyBeforeInstall messages once the
// publishes settle (the build context loads after the first).
func copyBeforeInstallMessages(t *testing.T, workspace, dockerfile string) string {
	c := lsptest.Start(t)
	params := map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}
	if workspace != "" {
		params["workspaceFolders"] = []any{map[string]any{"uri": "file://" + workspace, "name": "ws"}}
	}
	c.Call("initialize", params)
	c.Notify("initialized", map[string]any{})
	docURI := "file://" + dockerfile
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": docURI, "languageId": "dockerfile", "version": 1, "text": scopeDockerfile}})
	c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool {
		return strings.Contains(strings.Join(d.Codes(), " "), "CopyBeforeInstall")
	})
	var last string
	for quiet := time.Now(); time.Since(quiet) < 1500*time.Millisecond; time.Sleep(100 * time.Millisecond) {
		if msgs := lastMessages(c, docURI, "CopyBeforeInstall"); msgs != last {
			last, quiet = msgs, time.Now()
		}
	}
	return last
}

// lastMessages joins the messages with that code of the last publish for
// docURI.
func lastMessages(c *lsptest.Client, docURI, code string) string {
	var out []string
	for _, m := range c.Messages() {
		var d lsptest.Diagnostics
		if m.Method != "textDocument/publishDiagnostics" || json.Unmarshal(m.Params, &d) != nil || d.URI != docURI {
			continue
		}
		out = out[:0]
		for _, x := range d.Diagnostics {
			if x.Code == code {
				out = append(out, x.Message)
			}
		}
	}
	return strings.Join(out, "\n")
}
