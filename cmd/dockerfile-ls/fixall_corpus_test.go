package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// TestEditorFixAllIsCheckFix: on every corpus file, the editor's "Fix all"
// (the source.fixAll code action, asked of a real server over stdio and
// applied as a client applies it) and `check --fix` write the same bytes.
// Each file is alone in its folder, so both see the same build context.
func TestEditorFixAllIsCheckFix(t *testing.T) {
	files := testgen.CorpusFiles(t)
	root := t.TempDir()
	copies := make([]string, len(files))
	for i, f := range files {
		dir := filepath.Join(root, fmt.Sprint(i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		copies[i] = write(t, dir, "Dockerfile", read(t, f))
	}
	editor := make([]string, len(copies))
	inChunks(len(copies), func(part []int) {
		c := startFixAllClient(t)
		for _, i := range part {
			editor[i] = editorFixAll(t, c, copies[i])
		}
	})
	inChunks(len(copies), func(part []int) {
		args := []string{"--fix", "--fail-level", "none", "--format", "json"}
		for _, i := range part {
			args = append(args, copies[i])
		}
		var out, errOut buffer
		if code := runCheck(args, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Errorf("check --fix: exit %d: %s", code, errOut.String())
		}
	})
	differ, changed := 0, 0
	for i, p := range copies {
		cli := read(t, p)
		if cli != read(t, files[i]) {
			changed++
		}
		if cli != editor[i] {
			differ++
			if differ <= 5 {
				t.Errorf("%s: the editor's Fix all and check --fix differ:\n%s", files[i], unifiedDiff("editor", "check --fix", []byte(editor[i]), []byte(cli)))
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d files differ", differ, len(copies))
	}
	t.Logf("%d of %d files fixed", changed, len(copies))
}

// inChunks splits the indexes 0..n-1 over the cores and runs work on each
// part at once.
func inChunks(n int, work func(part []int)) {
	var wg sync.WaitGroup
	chunks := max(1, runtime.GOMAXPROCS(0))
	for c := range chunks {
		var part []int
		for i := c; i < n; i += chunks {
			part = append(part, i)
		}
		wg.Go(func() { work(part) })
	}
	wg.Wait()
}

// startFixAllClient starts a server for a client that counts columns in
// bytes and pulls its diagnostics (so that none are pushed to it).
func startFixAllClient(t *testing.T) *lsptest.Client {
	c := lsptest.Start(t)
	c.Initialize(map[string]any{
		"general":      map[string]any{"positionEncodings": []string{"utf-8"}},
		"textDocument": map[string]any{"diagnostic": map[string]any{}},
	})
	return c
}

// editorFixAll opens the file, asks for source.fixAll, applies its edits
// to the text and closes the file; it returns the fixed text.
func editorFixAll(t *testing.T, c *lsptest.Client, path string) string {
	text := read(t, path)
	u := string(uri.File(path))
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": u, "languageId": "dockerfile", "version": 1, "text": text}})
	defer c.Notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": u}})
	zero := map[string]any{"line": 0, "character": 0}
	res := c.Call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": u},
		"range":        map[string]any{"start": zero, "end": zero},
		"context":      map[string]any{"diagnostics": []any{}, "only": []string{"source.fixAll"}},
	})
	if res.Error != nil {
		t.Fatalf("%s: codeAction: %+v", path, res.Error)
	}
	var actions []struct {
		Edit struct {
			Changes map[string][]lspEdit `json:"changes"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(res.Result, &actions); err != nil {
		t.Fatalf("%s: %s: %v", path, res.Result, err)
	}
	if len(actions) > 1 {
		t.Fatalf("%s: %d fix-all actions", path, len(actions))
	}
	if len(actions) == 0 {
		return text
	}
	return applyLSPEdits(t, text, actions[0].Edit.Changes[u])
}

type lspEdit struct {
	Range struct {
		Start, End struct{ Line, Character int }
	} `json:"range"`
	NewText string `json:"newText"`
}

// applyLSPEdits applies non-overlapping edits with byte columns, as a
// client does: each in the original text's positions.
func applyLSPEdits(t *testing.T, text string, edits []lspEdit) string {
	lines := textpos.NewLines([]byte(text))
	offset := func(line, col int) int {
		o, err := lines.Offset(textpos.Pos{Line: line, Col: col}, textpos.UTF8)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	out, at := "", 0
	for _, e := range edits {
		start, end := offset(e.Range.Start.Line, e.Range.Start.Character), offset(e.Range.End.Line, e.Range.End.Character)
		if start < at {
			t.Fatalf("edits overlap or are out of order: %+v", edits)
		}
		out += text[at:start] + e.NewText
		at = end
	}
	return out + text[at:]
}
