package server_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

// The settings paths of docs/settings.md, over stdio: every client shape
// the server meets, each checked on the diagnostics it publishes.

// settingsText has two of BuildKit's findings: ConsistentInstructionCasing
// (line 1) and JSONArgsRecommended (line 3), both warnings by default.
const settingsText = "FROM alpine:3.19\nrun echo\nRUN echo\nCMD echo hi\n"

const (
	casing   = "ConsistentInstructionCasing"
	jsonArgs = "JSONArgsRecommended"
)

// Severities on the wire.
const (
	severityError   = 1
	severityWarning = 2
)

// configurationCaps is a client that answers workspace/configuration.
var configurationCaps = map[string]any{"workspace": map[string]any{
	"configuration": true, "didChangeConfiguration": map[string]any{"dynamicRegistration": false}}}

func startWith(t *testing.T, caps, options map[string]any) *lsptest.Client {
	t.Helper()
	c := lsptest.Start(t)
	params := map[string]any{"processId": nil, "rootUri": nil, "capabilities": caps}
	if options != nil {
		params["initializationOptions"] = options
	}
	if res := c.Call("initialize", params); res.Error != nil {
		t.Fatalf("initialize failed: %+v", res.Error)
	}
	c.Notify("initialized", map[string]any{})
	return c
}

func rulesOption(rules map[string]any) map[string]any { return map[string]any{"rules": rules} }

// severities maps each published code to its severity.
func severities(d lsptest.Diagnostics) map[string]int {
	out := map[string]int{}
	for _, x := range d.Diagnostics {
		out[x.Code] = x.Severity
	}
	return out
}

// configRequests are the workspace/configuration requests received so far.
func configRequests(c *lsptest.Client) []lsptest.Message {
	var out []lsptest.Message
	for _, m := range c.Messages() {
		if m.Method == "workspace/configuration" && m.ID != nil {
			out = append(out, m)
		}
	}
	return out
}

// configAnswerer answers the server's workspace/configuration requests,
// each once, with result (raw JSON), or with an error when result is "".
type configAnswerer struct {
	c        *lsptest.Client
	answered map[string]bool
}

func newConfigAnswerer(c *lsptest.Client) *configAnswerer {
	return &configAnswerer{c: c, answered: map[string]bool{}}
}

// answer replies to every request not yet answered and reports how many.
func (a *configAnswerer) answer(result string) int {
	n := 0
	for _, m := range configRequests(a.c) {
		if a.answered[string(m.ID)] {
			continue
		}
		a.answered[string(m.ID)] = true
		n++
		reply := `"result":` + result
		if result == "" {
			reply = `"error":{"code":-32603,"message":"no configuration here"}`
		}
		a.c.WriteRaw(lsptest.Frame(`{"jsonrpc":"2.0","id":` + string(m.ID) + `,` + reply + `}`))
	}
	return n
}

// next waits for a request not yet answered and answers it.
func (a *configAnswerer) next(t *testing.T, result string) {
	t.Helper()
	a.c.Wait("a workspace/configuration request", func(m lsptest.Message) bool {
		return m.Method == "workspace/configuration" && m.ID != nil && !a.answered[string(m.ID)]
	})
	a.answer(result)
}

// settle answers configuration requests with result until no publish for
// uri has come for a while, and returns the last one.
func (a *configAnswerer) settle(t *testing.T, result string) lsptest.Diagnostics {
	t.Helper()
	var last lsptest.Diagnostics
	count := func() int {
		n := 0
		for _, m := range a.c.Messages() {
			var d lsptest.Diagnostics
			if m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &d) == nil && d.URI == uri {
				last, n = d, n+1
			}
		}
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	n := count()
	for quiet := time.Now(); time.Since(quiet) < 1500*time.Millisecond; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("publishes did not settle")
		}
		a.answer(result)
		if n2 := count(); n2 != n {
			n, quiet = n2, time.Now()
		}
	}
	return last
}

// wantSeverities checks the settled publish: each code in want with its
// severity, 0 meaning not published.
func wantSeverities(t *testing.T, d lsptest.Diagnostics, want map[string]int) {
	t.Helper()
	got := severities(d)
	for code, sev := range want {
		if got[code] != sev {
			t.Errorf("%s: severity %d, want %d (0: not published); published %v", code, got[code], sev, got)
		}
	}
}

// waitSeverity waits for a publish where code has severity sev.
func waitSeverity(c *lsptest.Client, code string, sev int) {
	c.WaitDiagnostics(uri, func(d lsptest.Diagnostics) bool { return severities(d)[code] == sev })
}

// TestSettingsInitializationOptionsOnly: a client without
// workspace/configuration that only sends initializationOptions, wrapped
// in the section as Helix sends its `config`.
func TestSettingsInitializationOptionsOnly(t *testing.T) {
	t.Parallel()
	c := startWith(t, map[string]any{}, map[string]any{"dockerfile-ls": rulesOption(map[string]any{casing: "off", jsonArgs: "error"})})
	open(c, settingsText)
	waitSeverity(c, jsonArgs, severityError)
	a := newConfigAnswerer(c)
	wantSeverities(t, a.settle(t, "null"), map[string]int{casing: 0, jsonArgs: severityError})
	if n := len(configRequests(c)); n != 0 {
		t.Errorf("%d workspace/configuration requests to a client that does not support them", n)
	}
}

// TestSettingsConfigurationAnswer: the answer layers over
// initializationOptions field by field; a later answer replaces the
// earlier one (a setting removed in the editor is gone); an error keeps
// what the last answer said.
func TestSettingsConfigurationAnswer(t *testing.T) {
	t.Parallel()
	c := startWith(t, configurationCaps, rulesOption(map[string]any{casing: "off"}))
	a := newConfigAnswerer(c)
	a.next(t, `[{"rules":{"JSONArgsRecommended":"error"}}]`)
	open(c, settingsText)
	waitSeverity(c, jsonArgs, severityError)
	wantSeverities(t, a.settle(t, "null"), map[string]int{casing: 0, jsonArgs: severityError})

	// VS Code's way: an empty push, then the full section is pulled.
	c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
	a.next(t, "")
	wantSeverities(t, a.settle(t, ""), map[string]int{casing: 0, jsonArgs: severityError})

	c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
	a.next(t, `[{"rules":{},"sizes":{"display":"inlayHints"}}]`)
	waitSeverity(c, jsonArgs, severityWarning)
	wantSeverities(t, a.settle(t, "null"), map[string]int{casing: 0, jsonArgs: severityWarning})
}

// TestSettingsVSCodeRemovesASetting: VS Code sends its section as
// initializationOptions and answers with the same section, then, when the
// user removes a rule, pushes the raw section and answers without the rule:
// the rule is back to its default, not kept by the startup snapshot.
func TestSettingsVSCodeRemovesASetting(t *testing.T) {
	t.Parallel()
	section := func(rules map[string]any) map[string]any {
		return map[string]any{"rules": rules, "categories": map[string]any{"buildkit": true, "cache": true, "size": true},
			"buildContext": "", "target": "", "buildArgs": map[string]any{}, "sizes": "inlayHints", "formatMultiline": true}
	}
	answer := func(rules map[string]any) string {
		b, err := json.Marshal([]any{section(rules)})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before := map[string]any{casing: "off", jsonArgs: "error"}
	c := startWith(t, configurationCaps, section(before))
	a := newConfigAnswerer(c)
	a.next(t, answer(before))
	open(c, settingsText)
	waitSeverity(c, jsonArgs, severityError)
	wantSeverities(t, a.settle(t, answer(before)), map[string]int{casing: 0, jsonArgs: severityError})

	raw := section(map[string]any{})
	raw["sizes"] = map[string]any{"display": "inlayHints"}
	c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"dockerfile-ls": raw}})
	a.next(t, answer(map[string]any{}))
	waitSeverity(c, casing, severityWarning)
	wantSeverities(t, a.settle(t, answer(map[string]any{})), map[string]int{casing: severityWarning, jsonArgs: severityWarning})
}

// TestSettingsConfigurationAnswerNothing: an answer with nothing in it,
// in every shape clients give, keeps initializationOptions.
func TestSettingsConfigurationAnswerNothing(t *testing.T) {
	for _, answer := range []string{"null", "[]", "[null]", "[{}]", `[{"dockerfile-ls":null}]`, ""} {
		t.Run(fmt.Sprintf("answer %q", answer), func(t *testing.T) {
			t.Parallel()
			c := startWith(t, configurationCaps, rulesOption(map[string]any{casing: "off"}))
			a := newConfigAnswerer(c)
			a.next(t, answer)
			open(c, settingsText)
			wantSeverities(t, a.settle(t, answer), map[string]int{casing: 0, jsonArgs: severityWarning})
		})
	}
}

// TestSettingsPushWithoutConfiguration: a client that cannot answer
// workspace/configuration pushes its settings; each push replaces the
// previous one and layers over initializationOptions.
func TestSettingsPushWithoutConfiguration(t *testing.T) {
	t.Parallel()
	c := startWith(t, map[string]any{}, rulesOption(map[string]any{casing: "off"}))
	open(c, settingsText)
	a := newConfigAnswerer(c)
	wantSeverities(t, a.settle(t, "null"), map[string]int{casing: 0, jsonArgs: severityWarning})

	c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{
		"dockerfile-ls": rulesOption(map[string]any{jsonArgs: "error"})}})
	waitSeverity(c, jsonArgs, severityError)
	wantSeverities(t, a.settle(t, "null"), map[string]int{casing: 0, jsonArgs: severityError})

	c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{}})
	waitSeverity(c, jsonArgs, severityWarning)
	wantSeverities(t, a.settle(t, "null"), map[string]int{casing: 0, jsonArgs: severityWarning})
	if n := len(configRequests(c)); n != 0 {
		t.Errorf("%d workspace/configuration requests to a client that does not support them", n)
	}
}

// TestSettingsNeovimSequence is what Neovim does with init_options and no
// `settings`: didChangeConfiguration right after initialized, then [null]
// to every workspace/configuration. The rule switched off in
// initializationOptions is never published.
func TestSettingsNeovimSequence(t *testing.T) {
	for name, pushed := range map[string]any{"settings {}": map[string]any{}, "settings null": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			caps := map[string]any{"workspace": map[string]any{"configuration": true, "workspaceFolders": true,
				"didChangeConfiguration": map[string]any{"dynamicRegistration": false}}}
			c := startWith(t, caps, rulesOption(map[string]any{casing: "off"}))
			c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": pushed})
			open(c, settingsText)
			a := newConfigAnswerer(c)
			a.next(t, "[null]")
			wantSeverities(t, a.settle(t, "[null]"), map[string]int{casing: 0, jsonArgs: severityWarning})
			for _, m := range c.Messages() {
				var d lsptest.Diagnostics
				if m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &d) == nil && severities(d)[casing] != 0 {
					t.Fatalf("%s published though initializationOptions switch it off", casing)
				}
			}
		})
	}
}

// TestSettingsPullsCoalesce: a client that does not answer gets one
// workspace/configuration request at a time, however many changes it
// notifies; one more follows the answer, for the changes made meanwhile.
func TestSettingsPullsCoalesce(t *testing.T) {
	t.Parallel()
	c := startWith(t, configurationCaps, nil)
	c.Wait("the first workspace/configuration request", func(m lsptest.Message) bool { return m.Method == "workspace/configuration" })
	for range 20 {
		c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
	}
	c.Call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 0, "character": 0}})
	time.Sleep(500 * time.Millisecond)
	if n := len(configRequests(c)); n != 1 {
		t.Fatalf("%d workspace/configuration requests in flight, want 1", n)
	}
	a := newConfigAnswerer(c)
	a.answer("[null]")
	a.next(t, "[null]")
	time.Sleep(500 * time.Millisecond)
	if n := len(configRequests(c)); n != 2 {
		t.Errorf("%d workspace/configuration requests for 20 changes made during one, want 2", n)
	}
}
