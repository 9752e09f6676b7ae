package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

type textEdit struct {
	Range struct {
		Start struct{ Line, Character int } `json:"start"`
		End   struct{ Line, Character int } `json:"end"`
	} `json:"range"`
	NewText string `json:"newText"`
}

type codeAction struct {
	Title       string          `json:"title"`
	Kind        string          `json:"kind"`
	IsPreferred bool            `json:"isPreferred"`
	Data        json.RawMessage `json:"data"`
	Edit        *struct {
		Changes map[string][]textEdit `json:"changes"`
	} `json:"edit"`
}

// applyEdits applies LSP edits (UTF-16 positions; the test texts are ASCII)
// as a client does.
func applyEdits(t *testing.T, text string, edits []textEdit) string {
	lines := []int{0}
	for i, c := range text {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	offset := func(l, c int) int {
		if l >= len(lines) {
			return len(text)
		}
		return lines[l] + c
	}
	sort.Slice(edits, func(i, j int) bool {
		return offset(edits[i].Range.Start.Line, edits[i].Range.Start.Character) > offset(edits[j].Range.Start.Line, edits[j].Range.Start.Character)
	})
	for _, e := range edits {
		s, en := offset(e.Range.Start.Line, e.Range.Start.Character), offset(e.Range.End.Line, e.Range.End.Character)
		text = text[:s] + e.NewText + text[en:]
	}
	return text
}

// TestHeadlineFix: the reorder requested over stdio, applied by the
// client, and the re-published diagnostics no longer hold the finding —
// once with the edit in the response, once resolved lazily. With a
// WORKDIR that only the settings' build args resolve, the fix is there
// too: the fixes read the build state of the settings (issue 15).
func TestHeadlineFix(t *testing.T) {
	for _, c := range []struct {
		workdir string
		options map[string]any
	}{
		{"/app", map[string]any{}},
		{"/$APP", map[string]any{"buildArgs": map[string]any{"APP": "app"}}},
	} {
		for _, lazy := range []bool{false, true} {
			headlineFix(t, c.workdir, c.options, lazy)
		}
	}
}

func headlineFix(t *testing.T, workdir string, options map[string]any, lazy bool) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"requirements.txt": "flask\n", "app.py": "print(1)\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docURI := "file://" + filepath.Join(dir, "Dockerfile")
	head := "FROM python:3.12-slim\nARG APP\nWORKDIR " + workdir + "\n"
	text := head + "COPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"
	want := head + "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n"
	c := lsptest.Start(t)
	caps := map[string]any{}
	if lazy {
		caps = map[string]any{"textDocument": map[string]any{"codeAction": map[string]any{"resolveSupport": map[string]any{"properties": []string{"edit"}}}}}
	}
	c.Call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": caps, "initializationOptions": options})
	c.Notify("initialized", map[string]any{})
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": docURI, "languageId": "dockerfile", "version": 1, "text": text}})
	c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool { return slices.Contains(d.Codes(), "CopyBeforeInstall") })
	res := c.Call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": docURI},
		"range":        map[string]any{"start": map[string]any{"line": 4, "character": 0}, "end": map[string]any{"line": 4, "character": 0}},
		"context":      map[string]any{"diagnostics": []any{}},
	})
	var actions []codeAction
	if err := json.Unmarshal(res.Result, &actions); err != nil {
		t.Fatalf("%s: %v", res.Result, err)
	}
	var fix *codeAction
	for i := range actions {
		if strings.HasPrefix(actions[i].Title, "Copy requirements.txt first") {
			fix = &actions[i]
		}
	}
	if fix == nil || !fix.IsPreferred {
		t.Fatalf("WORKDIR %s, lazy=%v: no preferred reorder fix in %s", workdir, lazy, res.Result)
	}
	if lazy {
		if fix.Edit != nil {
			t.Fatal("lazy client got the edit eagerly")
		}
		r := c.Call("codeAction/resolve", fix)
		if err := json.Unmarshal(r.Result, fix); err != nil || fix.Edit == nil {
			t.Fatalf("WORKDIR %s: resolve: %s %v", workdir, r.Result, err)
		}
	}
	got := applyEdits(t, text, fix.Edit.Changes[docURI])
	if got != want {
		t.Fatalf("WORKDIR %s, lazy=%v: fixed text:\n%s\nwant:\n%s", workdir, lazy, got, want)
	}
	c.Notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": docURI, "version": 2}, "contentChanges": []any{map[string]any{"text": got}}})
	c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool {
		return d.Version != nil && *d.Version == 2 && !slices.Contains(d.Codes(), "CopyBeforeInstall")
	})
}

// TestFixAllAction: source.fixAll applies BuildKit's fixes and ours in one
// edit, and leaves alone the rules the settings switch off (the cache
// mount fix, here, so that the lists cleanup is offered).
func TestFixAllAction(t *testing.T) {
	text := "FROM debian:12 as base\nrun apt-get update && apt-get install -y --no-install-recommends curl\nRUN echo x\n"
	for _, c := range []struct {
		options map[string]any
		want    string
	}{
		{map[string]any{"rules": map[string]any{"InstallWithoutCacheMount": "off"}},
			"FROM debian:12 AS base\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nRUN echo x\n"},
		{map[string]any{"rules": map[string]any{"InstallWithoutCacheMount": "off", "ConsistentInstructionCasing": "off", "AptListsNotRemoved": "off"}},
			"FROM debian:12 AS base\nrun apt-get update && apt-get install -y --no-install-recommends curl\nRUN echo x\n"},
	} {
		dir := t.TempDir()
		docURI := "file://" + filepath.Join(dir, "Dockerfile")
		cl := lsptest.Start(t)
		cl.Call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}, "initializationOptions": c.options})
		cl.Notify("initialized", map[string]any{})
		cl.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": docURI, "languageId": "dockerfile", "version": 1, "text": text}})
		zero := map[string]any{"line": 0, "character": 0}
		res := cl.Call("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": docURI},
			"range":        map[string]any{"start": zero, "end": zero},
			"context":      map[string]any{"diagnostics": []any{}, "only": []string{"source.fixAll"}},
		})
		var actions []codeAction
		if err := json.Unmarshal(res.Result, &actions); err != nil || len(actions) != 1 || actions[0].Edit == nil {
			t.Fatalf("%v: %s %v", c.options, res.Result, err)
		}
		if got := applyEdits(t, text, actions[0].Edit.Changes[docURI]); got != c.want {
			t.Errorf("%v: fixed text:\n%s\nwant:\n%s", c.options, got, c.want)
		}
	}
}

// TestCodeActionOnLongFile: on an 8,000-line file, a code-action request
// for one line computes the fixes of that line only (the whole file's took
// 20 s), and a request cancelled at once is answered RequestCancelled
// without waiting for the fixes of the whole file.
func TestCodeActionOnLongFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("FROM debian:12\n")
	for i := range 8000 {
		fmt.Fprintf(&b, "RUN apt-get update && apt-get install -y curl%d\n", i)
	}
	docURI := "file://" + filepath.Join(t.TempDir(), "Dockerfile")
	c := lsptest.Start(t)
	c.Initialize(nil)
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": docURI, "languageId": "dockerfile", "version": 1, "text": b.String()}})
	c.WaitDiagnostics(docURI, func(d lsptest.Diagnostics) bool { return len(d.Diagnostics) > 0 })
	request := func(from, to int) int {
		return c.Request("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": docURI},
			"range":        map[string]any{"start": map[string]any{"line": from, "character": 0}, "end": map[string]any{"line": to, "character": 0}},
			"context":      map[string]any{"diagnostics": []any{}, "only": []string{"quickfix"}},
		})
	}
	// The request runs the rules' pass again (findingsFor), so its bound is
	// that pass's time on this machine, whatever the load, plus the fixes
	// of one line: the whole file's fixes took ten times the pass.
	passStart := time.Now()
	analysis.Fast(dockerfile.Parse([]byte(b.String())), nil, config.Settings{})
	pass := time.Since(passStart)
	start := time.Now()
	res := c.Response(request(100, 101))
	var actions []codeAction
	if err := json.Unmarshal(res.Result, &actions); err != nil || len(actions) == 0 {
		t.Fatalf("line 100: %s %v", res.Result, err)
	}
	t.Logf("one line: %d actions in %v (the rules' pass: %v)", len(actions), time.Since(start), pass)
	if elapsed := time.Since(start); elapsed > 3*pass+2*time.Second {
		t.Errorf("one line's code actions took %v, more than three rules' passes (%v each) and 2 s", elapsed, pass)
	}
	start = time.Now()
	id := request(0, 8001)
	c.Notify("$/cancelRequest", map[string]any{"id": id})
	res = c.Response(id)
	t.Logf("cancelled: %v", time.Since(start))
	if res.Error == nil || res.Error.Code != -32800 {
		t.Errorf("cancelled request: %s, error %+v; want RequestCancelled", res.Result, res.Error)
	}
	if elapsed := time.Since(start); elapsed > 8*time.Second {
		t.Errorf("the cancelled request was answered after %v", elapsed)
	}
}
