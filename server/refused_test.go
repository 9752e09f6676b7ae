package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

type disabledAction struct {
	Title    string `json:"title"`
	Disabled *struct {
		Reason string `json:"reason"`
	} `json:"disabled"`
	Edit json.RawMessage `json:"edit"`
}

// TestRefusedFixSaysWhy (issue 16): a fix the rule thought of and refused
// is a disabled code action with its reason for a client that shows
// those; for another client the reason is in the diagnostic's message.
func TestRefusedFixSaysWhy(t *testing.T) {
	const docURI = "file:///tmp/refused/Dockerfile"
	// USER 1001 is nobody the file or the image knows: its home, where
	// npm's cache is, is unknown, so no cache mount is written.
	const text = "FROM node:20\nUSER 1001\nRUN npm ci\n"
	const reason = "the home of user 1001"
	for _, disabled := range []bool{true, false} {
		c := lsptest.Start(t)
		c.Initialize(map[string]any{"textDocument": map[string]any{"codeAction": map[string]any{"disabledSupport": disabled}}})
		c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": docURI, "languageId": "dockerfile", "version": 1, "text": text}})
		d := c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool { return slices.Contains(d.Codes(), "InstallWithoutCacheMount") })
		for _, x := range d.Diagnostics {
			if x.Code == "InstallWithoutCacheMount" && strings.Contains(x.Message, "No quick fix: "+reason) == disabled {
				t.Errorf("disabledSupport %v: message %q", disabled, x.Message)
			}
		}
		res := c.Call("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": docURI},
			"range":        map[string]any{"start": map[string]any{"line": 2, "character": 0}, "end": map[string]any{"line": 2, "character": 0}},
			"context":      map[string]any{"diagnostics": []any{}},
		})
		var actions []disabledAction
		if err := json.Unmarshal(res.Result, &actions); err != nil {
			t.Fatalf("%s: %v", res.Result, err)
		}
		found := slices.ContainsFunc(actions, func(a disabledAction) bool {
			return a.Title == "Add a cache mount" && a.Disabled != nil && strings.Contains(a.Disabled.Reason, reason) && a.Edit == nil
		})
		if found != disabled {
			t.Errorf("disabledSupport %v: a disabled cache-mount action is offered: %v\n%s", disabled, found, res.Result)
		}
		c.Exit()
	}
}
