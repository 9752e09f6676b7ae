package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

const uri = "file:///tmp/project/Dockerfile"

func open(c *lsptest.Client, text string) {
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
}

func change(c *lsptest.Client, version int, changes ...map[string]any) {
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": uri, "version": version}, "contentChanges": changes})
}

func rangeChange(l1, c1, l2, c2 int, text string) map[string]any {
	return map[string]any{"range": map[string]any{
		"start": map[string]any{"line": l1, "character": c1}, "end": map[string]any{"line": l2, "character": c2}}, "text": text}
}

func hasVersion(v int) func(lsptest.Diagnostics) bool {
	return func(d lsptest.Diagnostics) bool { return d.Version != nil && *d.Version == v }
}

func TestLifecycleAndDiagnostics(t *testing.T) {
	c := lsptest.Start(t)
	res := c.Initialize(nil)
	var init struct {
		Capabilities struct {
			PositionEncoding string `json:"positionEncoding"`
			TextDocumentSync struct {
				Change int `json:"change"`
			} `json:"textDocumentSync"`
		} `json:"capabilities"`
		ServerInfo struct{ Name string } `json:"serverInfo"`
	}
	if err := json.Unmarshal(res.Result, &init); err != nil {
		t.Fatal(err)
	}
	if init.Capabilities.PositionEncoding != "utf-16" || init.Capabilities.TextDocumentSync.Change != 2 || init.ServerInfo.Name != "dockerfile-ls" {
		t.Fatalf("initialize result %s", res.Result)
	}

	open(c, "FROM alpine:3.19\nworkdir /app\n")
	// BuildKit's casing check arrives with the full publish.
	d := c.WaitDiagnostics(uri, func(d lsptest.Diagnostics) bool {
		return hasVersion(1)(d) && slices.Contains(d.Codes(), "ConsistentInstructionCasing")
	})
	diag := d.Diagnostics[0]
	if diag.Source != "dockerfile-ls" || diag.CodeDescription == nil || !strings.Contains(diag.CodeDescription.Href, "consistent-instruction-casing") {
		t.Errorf("diagnostic lacks source or docs link: %+v", diag)
	}
	if diag.Range.Start.Line != 1 {
		t.Errorf("diagnostic on line %d, want 1", diag.Range.Start.Line)
	}

	// Fix the casing with an incremental edit: the finding goes away in version 2.
	change(c, 2, rangeChange(1, 0, 1, 7, "WORKDIR"))
	c.WaitDiagnostics(uri, func(d lsptest.Diagnostics) bool { return hasVersion(2)(d) && len(d.Diagnostics) == 0 })

	// Break the syntax: a parse error at the right line.
	change(c, 3, rangeChange(2, 0, 2, 0, "RUN <<EOF\necho\n"))
	d = c.WaitDiagnostics(uri, hasVersion(3))
	if !slices.Contains(d.Codes(), "ParseError") || d.Diagnostics[0].Range.Start.Line != 2 {
		t.Errorf("version 3: %+v", d)
	}

	c.Notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	c.WaitDiagnostics(uri, func(d lsptest.Diagnostics) bool { return d.Version == nil && len(d.Diagnostics) == 0 })

	if code := c.Exit(); code != 0 {
		t.Errorf("exit code %d after shutdown, want 0", code)
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	c := lsptest.Start(t)
	c.Initialize(nil)
	c.Notify("exit", nil)
	if code := c.WaitExit(); code != 1 {
		t.Errorf("exit code %d without shutdown, want 1", code)
	}
}

func TestStdinClosedEndsServer(t *testing.T) {
	c := lsptest.Start(t)
	c.Initialize(nil)
	c.CloseInput()
	c.WaitExit()
}

func TestBeforeInitializeAndUnknownMethods(t *testing.T) {
	c := lsptest.Start(t, "--stdio")
	if m := c.Call("textDocument/hover", map[string]any{}); m.Error == nil || m.Error.Code != -32002 {
		t.Errorf("request before initialize: %+v, want -32002", m.Error)
	}
	c.Initialize(nil)
	if m := c.Call("dockerfile/unknownThing", map[string]any{}); m.Error == nil || m.Error.Code != -32601 {
		t.Errorf("unknown request: %+v, want -32601", m.Error)
	}
	c.Notify("$/unknownNotification", map[string]any{})
	c.Notify("workspace/someUnknownNotification", map[string]any{"x": 1})
	if m := c.Call("shutdown", nil); m.Error != nil {
		t.Errorf("server stopped answering after unknown notifications: %+v", m.Error)
	}
}

func TestUTF8Negotiation(t *testing.T) {
	c := lsptest.Start(t)
	res := c.Initialize(map[string]any{"general": map[string]any{"positionEncodings": []string{"utf-8", "utf-16"}}})
	if !strings.Contains(string(res.Result), `"positionEncoding":"utf-8"`) {
		t.Errorf("utf-8 offered but not chosen: %s", res.Result)
	}
	// "🐳" is 4 bytes in UTF-8: the casing finding on line 1 starts after it.
	open(c, "FROM alpine:3.19\nLABEL a=\"🐳\"\nrun echo\n")
	d := c.WaitDiagnostics(uri, func(d lsptest.Diagnostics) bool { return slices.Contains(d.Codes(), "ConsistentInstructionCasing") })
	if d.Diagnostics[0].Range.Start.Line != 2 {
		t.Errorf("%+v", d.Diagnostics[0].Range)
	}
}

// TestBurst sends 500 edits without waiting: the last publish is for the
// last version and matches what a fresh open of the final text gives.
func TestBurst(t *testing.T) {
	c := lsptest.Start(t)
	c.Initialize(nil)
	open(c, "FROM alpine:3.19\n")
	c.WaitDiagnostics(uri, hasVersion(1))
	text := "FROM alpine:3.19\n"
	for v := 2; v <= 501; v++ {
		line := fmt.Sprintf("run echo %d\n", v)
		lines := strings.Count(text, "\n")
		change(c, v, rangeChange(lines, 0, lines, 0, line))
		text += line
	}
	c.WaitDiagnostics(uri, hasVersion(501))
	// The first publish of a version carries the last BuildKit findings
	// forward; the last one has BuildKit's findings for this text.
	final := settledDiagnostics(t, c)
	// Versions are published in order, never older after newer.
	last := 0
	for _, m := range c.Messages() {
		var d lsptest.Diagnostics
		if m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &d) == nil && d.Version != nil {
			if *d.Version < last {
				t.Fatalf("published version %d after %d", *d.Version, last)
			}
			last = *d.Version
		}
	}
	if final.Version == nil || *final.Version != 501 {
		t.Fatalf("the last publish is not for the last version: %+v", final.Version)
	}
	fresh := lsptest.Start(t)
	fresh.Initialize(nil)
	open(fresh, text)
	fresh.WaitDiagnostics(uri, hasVersion(1))
	want := settledDiagnostics(t, fresh)
	gotJSON, _ := json.Marshal(final.Diagnostics)
	wantJSON, _ := json.Marshal(want.Diagnostics)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("after the burst:\n%s\nfresh analysis:\n%s", gotJSON, wantJSON)
	}
}

// settledDiagnostics is the last publish for uri once none has come for a
// while (the server publishes a version twice: the fast findings, then
// with BuildKit's).
func settledDiagnostics(t *testing.T, c *lsptest.Client) lsptest.Diagnostics {
	t.Helper()
	last := func() (lsptest.Diagnostics, int) {
		var d lsptest.Diagnostics
		n := 0
		for _, m := range c.Messages() {
			var p lsptest.Diagnostics
			if m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &p) == nil && p.URI == uri {
				d, n = p, n+1
			}
		}
		return d, n
	}
	deadline := time.Now().Add(30 * time.Second)
	d, n := last()
	for quiet := time.Now(); time.Since(quiet) < 1500*time.Millisecond; {
		if time.Now().After(deadline) {
			t.Fatal("publishes did not settle")
		}
		time.Sleep(100 * time.Millisecond)
		if d2, n2 := last(); n2 != n {
			d, n, quiet = d2, n2, time.Now()
		}
	}
	return d
}

// TestBadInput: none of these may take the server down.
func TestBadInput(t *testing.T) {
	c := lsptest.Start(t)
	c.Initialize(nil)
	c.WriteRaw(lsptest.Frame("{this is not json"))
	parseErr := c.Wait("parse error response", func(m lsptest.Message) bool { return m.Error != nil && m.Error.Code == -32700 })
	if string(parseErr.ID) != "null" {
		t.Errorf("parse error id %s, want null", parseErr.ID)
	}
	c.WriteRaw("Content-Type: text/plain\r\n\r\n{}")      // no Content-Length
	c.WriteRaw("Content-Length: many\r\n\r\n{}")          // non-numeric
	c.WriteRaw("garbage between frames\r\n")              // noise
	change(c, 2, rangeChange(0, 0, 0, 0, "x"))            // never opened
	open(c, "FROM alpine\n")                              //
	change(c, 2, rangeChange(40, 0, 50, 3, "RUN late\n")) // past the end
	change(c, 3, rangeChange(0, 0, 0, 0, string([]byte{0xff, 0xfe, 'F'})))
	big := strings.Repeat("RUN echo "+strings.Repeat("x", 90)+"\n", 50_000) // about 5 MB
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": "file:///big/Dockerfile", "languageId": "dockerfile", "version": 1, "text": "FROM alpine\n" + big}})
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": "file:///nul/Dockerfile", "languageId": "dockerfile", "version": 1, "text": strings.Repeat("\x00", 4096)}})
	c.Call("textDocument/hover", "wrong param type")
	c.WaitDiagnostics(uri, hasVersion(3))
	c.WaitDiagnostics("file:///big/Dockerfile", hasVersion(1))
	c.WaitDiagnostics("file:///nul/Dockerfile", hasVersion(1))
	if code := c.Exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if strings.Contains(c.Stderr.String(), "panic") {
		t.Errorf("stderr mentions a panic:\n%s", c.Stderr.String())
	}
}

func TestCancelRequest(t *testing.T) {
	c := lsptest.Start(t)
	c.Initialize(nil)
	id := c.Request("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": uri}})
	c.Notify("$/cancelRequest", map[string]any{"id": id})
	m := c.Response(id)
	// Either it finished first or it was cancelled; both are answers.
	if m.Error != nil && m.Error.Code != -32800 && m.Error.Code != -32601 {
		t.Errorf("cancelled request: %+v", m.Error)
	}
	done := make(chan struct{})
	go func() { c.Call("shutdown", nil); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("server stopped answering after a cancel")
	}
}

// TestCacheDiagnostic: the headline finding over LSP, on a real folder,
// with the broad COPY named in the related information.
func TestCacheDiagnostic(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"requirements.txt": "flask\n", "app.py": "print(1)\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docURI := "file://" + filepath.Join(dir, "Dockerfile")
	c := lsptest.Start(t)
	c.Initialize(nil)
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": docURI, "languageId": "dockerfile", "version": 1,
		"text": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"}})
	d := c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool {
		for _, x := range d.Diagnostics {
			if x.Code == "CopyBeforeInstall" && strings.Contains(x.Message, "e.g. app.py") {
				return true
			}
		}
		return false
	})
	for _, x := range d.Diagnostics {
		if x.Code == "CopyBeforeInstall" {
			if x.Range.Start.Line != 3 || len(x.RelatedInformation) != 1 {
				t.Errorf("finding on line %d with %d related locations: %+v", x.Range.Start.Line, len(x.RelatedInformation), x)
			}
		}
	}
}

// TestSettings: initializationOptions switch a rule off; a pushed
// didChangeConfiguration turns it back on, re-graded.
func TestSettings(t *testing.T) {
	c := lsptest.Start(t)
	c.Call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{},
		"initializationOptions": map[string]any{"rules": map[string]any{"ConsistentInstructionCasing": "off"}}})
	c.Notify("initialized", map[string]any{})
	open(c, "FROM alpine:3.19\nrun echo\nRUN echo\n")
	c.WaitDiagnostics(uri, func(d lsptest.Diagnostics) bool { return hasVersion(1)(d) && len(d.Diagnostics) == 0 })
	c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{
		"dockerfile-ls": map[string]any{"rules": map[string]any{"ConsistentInstructionCasing": "error"}}}})
	c.WaitDiagnostics(uri, func(d lsptest.Diagnostics) bool {
		return len(d.Diagnostics) == 1 && d.Diagnostics[0].Code == "ConsistentInstructionCasing" && d.Diagnostics[0].Severity == 1
	})
}

// TestWatchedFiles: a folder that appears in the build context after the
// file was opened is reported once the client says it changed. The first
// wait needs the loaded context (it reports .git), so the second can only
// be met by an analysis after the change: had the load seen node_modules,
// the first would not match.
func TestWatchedFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docURI := "file://" + filepath.Join(dir, "Dockerfile")
	c := lsptest.Start(t)
	c.Initialize(map[string]any{"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}}})
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": docURI, "languageId": "dockerfile", "version": 1, "text": "FROM node:20\nCOPY . /app\n"}})
	c.WaitDiagnostics(docURI, volatileSent(".git/", "node_modules/"))
	if err := os.MkdirAll(filepath.Join(dir, "node_modules", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "node_modules", "x", "index.js"), []byte("1"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.Notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{
		map[string]any{"uri": "file://" + filepath.Join(dir, "node_modules", "x", "index.js"), "type": 1}}})
	c.WaitDiagnostics(docURI, volatileSent("node_modules/", ""))
}

// volatileSent matches a publish whose VolatileContext finding names the
// folder sent, and not the folder unsent (when given).
func volatileSent(sent, unsent string) func(lsptest.Diagnostics) bool {
	return func(d lsptest.Diagnostics) bool {
		for _, x := range d.Diagnostics {
			if x.Code == "VolatileContext" && strings.Contains(x.Message, sent) && (unsent == "" || !strings.Contains(x.Message, unsent)) {
				return true
			}
		}
		return false
	}
}

// TestOwnWatcher: a client that cannot watch files (Neovim often cannot)
// still sees the context change, through the server's own watcher.
func TestOwnWatcher(t *testing.T) {
	dir := t.TempDir()
	docURI := "file://" + filepath.Join(dir, "Dockerfile")
	c := lsptest.Start(t)
	c.Initialize(nil)
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": docURI, "languageId": "dockerfile", "version": 1, "text": "FROM node:20\nCOPY . /app\n"}})
	c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool { return !slices.Contains(d.Codes(), "VolatileContext") })
	time.Sleep(500 * time.Millisecond) // let the watcher start after the first walk
	if err := os.MkdirAll(filepath.Join(dir, "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "node_modules", "index.js"), []byte("1"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool { return slices.Contains(d.Codes(), "VolatileContext") })
}

// TestPullDiagnostics: a client that pulls gets no pushes, gets the
// findings from textDocument/diagnostic, and is asked to pull again when
// BuildKit's checks finish.
func TestPullDiagnostics(t *testing.T) {
	c := lsptest.Start(t)
	c.Initialize(map[string]any{
		"textDocument": map[string]any{"diagnostic": map[string]any{}},
		"workspace":    map[string]any{"diagnostics": map[string]any{"refreshSupport": true}},
	})
	open(c, "FROM alpine:3.19\nrun echo\nRUN echo\n")
	c.Wait("workspace/diagnostic/refresh", func(m lsptest.Message) bool { return m.Method == "workspace/diagnostic/refresh" })
	res := c.Call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}})
	var report struct {
		Kind     string `json:"kind"`
		ResultID string `json:"resultId"`
		Items    []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	if err := json.Unmarshal(res.Result, &report); err != nil || report.Kind != "full" || len(report.Items) != 1 || report.Items[0].Code != "ConsistentInstructionCasing" {
		t.Fatalf("%s %v", res.Result, err)
	}
	again := c.Call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}, "previousResultId": report.ResultID})
	if !strings.Contains(string(again.Result), `"unchanged"`) {
		t.Errorf("same result pulled twice: %s", again.Result)
	}
	for _, m := range c.Messages() {
		if m.Method == "textDocument/publishDiagnostics" {
			t.Fatal("a pull client got a push")
		}
	}
}

// TestProjectConfig: .dockerfile-ls.yaml wins over the editor's settings,
// and an inline "# dockerfile-ls ignore=" suppresses a finding.
func TestProjectConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".dockerfile-ls.yaml"), []byte("rules:\n  ConsistentInstructionCasing: error\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docURI := "file://" + filepath.Join(dir, "Dockerfile")
	c := lsptest.Start(t)
	c.Call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{},
		"initializationOptions": map[string]any{"rules": map[string]any{"ConsistentInstructionCasing": "off"}}})
	c.Notify("initialized", map[string]any{})
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": docURI, "languageId": "dockerfile", "version": 1,
		"text": "FROM alpine:3.19\nrun echo\n# dockerfile-ls ignore=JSONArgsRecommended\nCMD echo hi\nRUN echo\n"}})
	d := c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool { return slices.Contains(d.Codes(), "ConsistentInstructionCasing") })
	for _, x := range d.Diagnostics {
		if x.Code == "ConsistentInstructionCasing" && x.Severity != 1 {
			t.Errorf("the project file says error: severity %d", x.Severity)
		}
		if x.Code == "JSONArgsRecommended" {
			t.Error("suppressed finding published")
		}
	}
}
