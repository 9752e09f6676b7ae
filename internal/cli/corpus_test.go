package cli

import (
	"encoding/json"
	"os"
	"testing"

	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// noSync makes fixed files skip their fsyncs for the test: durability is
// TestFailedWriteKeepsOriginal's business, and thousands of fsyncs would
// only make a corpus test slow.
func noSync(t *testing.T) {
	savedS, savedD := syncTemp, syncDir
	syncTemp, syncDir = func(*os.File) error { return nil }, func(*os.Root) {}
	t.Cleanup(func() { syncTemp, syncDir = savedS, savedD })
}

// parsesWorse reports whether after has a parse error before had not, or
// more instructions BuildKit rejects.
func parsesWorse(after, before *dockerfile.Document) bool {
	rejected := func(doc *dockerfile.Document) int {
		n := 0
		for _, in := range doc.Instructions {
			if in.Err() != nil {
				n++
			}
		}
		return n
	}
	return after.Error != nil && before.Error == nil || rejected(after) > rejected(before)
}

// TestFixCorpus runs check --fix on a copy of every corpus file: a file that parsed still parses (and BuildKit rejects no more
// instructions), and a second --fix changes nothing.
func TestFixCorpus(t *testing.T) {
	files := testgen.CorpusFiles(t)
	noSync(t)
	copies := copyAlone(t, files)
	fixAllInPlace(t, copies)
	first := make([]string, len(copies))
	changed := 0
	for i, p := range copies {
		first[i] = read(t, p)
		orig := read(t, files[i])
		if first[i] != orig {
			changed++
		}
		before, after := dockerfile.Parse([]byte(orig)), dockerfile.Parse([]byte(first[i]))
		if parsesWorse(after, before) {
			t.Errorf("%s: the fixes broke the file:\n%s", files[i], UnifiedDiff("before", "after", []byte(orig), []byte(first[i])))
		}
	}
	fixAllInPlace(t, copies)
	again := 0
	for i, p := range copies {
		if now := read(t, p); now != first[i] {
			again++
			if again <= 5 {
				t.Errorf("%s: a second --fix changed it:\n%s", files[i], UnifiedDiff("first", "second", []byte(first[i]), []byte(now)))
			}
		}
	}
	if again > 0 {
		t.Errorf("%d files changed on the second --fix", again)
	}
	t.Logf("%d of %d files fixed", changed, len(copies))
}

// TestEditorFixAllIsCheckFix: on every corpus file, the editor's "Fix all"
// (the source.fixAll code action, asked of a real server over stdio and
// applied as a client applies it) and `check --fix` write the same bytes.
// Each file is alone in its folder, so both see the same build context.
func TestEditorFixAllIsCheckFix(t *testing.T) {
	files := testgen.CorpusFiles(t)
	noSync(t)
	copies := copyAlone(t, files)
	editor := make([]string, len(copies))
	inChunks(len(copies), func(part []int) {
		c := startFixAllClient(t)
		for _, i := range part {
			editor[i] = editorFixAll(t, c, copies[i])
		}
	})
	fixAllInPlace(t, copies)
	differ, changed := 0, 0
	for i, p := range copies {
		fixed := read(t, p)
		if fixed != read(t, files[i]) {
			changed++
		}
		if fixed != editor[i] {
			differ++
			if differ <= 5 {
				t.Errorf("%s: the editor's Fix all and check --fix differ:\n%s", files[i], UnifiedDiff("editor", "check --fix", []byte(editor[i]), []byte(fixed)))
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d files differ", differ, len(copies))
	}
	t.Logf("%d of %d files fixed", changed, len(copies))
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
