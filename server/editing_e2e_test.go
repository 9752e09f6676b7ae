package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

// editingDoc is the file the editing tests ask about (0-based lines):
//
//	0  # syntax=docker/dockerfile:1
//	1  ARG GO=1.22
//	2  FROM golang:${GO} AS build
//	3  ARG GO
//	4  WORKDIR /src
//	5  copy go.mod ./
//	6  RUN --mount=type=cache,target=/root/.cache \
//	7    go build -o /out/app .
//	8  FROM alpine:3.19
//	9  COPY --from=build /out/app /app
//	10 CMD ["/app"]
const editingDoc = `# syntax=docker/dockerfile:1
ARG GO=1.22
FROM golang:${GO} AS build
ARG GO
WORKDIR /src
copy go.mod ./
RUN --mount=type=cache,target=/root/.cache \
  go build -o /out/app .
FROM alpine:3.19
COPY --from=build /out/app /app
CMD ["/app"]
`

type edPos struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type edRange struct {
	Start edPos `json:"start"`
	End   edPos `json:"end"`
}

func (r edRange) String() string {
	return strings.Join([]string{edItoa(r.Start.Line), ":", edItoa(r.Start.Character), "-", edItoa(r.End.Line), ":", edItoa(r.End.Character)}, "")
}

func edItoa(n int) string { b, _ := json.Marshal(n); return string(b) }

type edTextEdit struct {
	Range   edRange `json:"range"`
	NewText string  `json:"newText"`
}

func edPosition(line, char int) map[string]any {
	return map[string]any{"line": line, "character": char}
}

// result calls method and decodes its result into v, failing on an error.
func edResult(t *testing.T, c *lsptest.Client, method string, params map[string]any, v any) {
	t.Helper()
	m := c.Call(method, params)
	if m.Error != nil {
		t.Fatalf("%s: error %d %s", method, m.Error.Code, m.Error.Message)
	}
	if err := json.Unmarshal(m.Result, v); err != nil {
		t.Fatalf("%s: %v in %s", method, err, m.Result)
	}
}

func TestEditingFeatures(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docURI := "file://" + filepath.ToSlash(filepath.Join(dir, "Dockerfile"))
	td := map[string]any{"uri": docURI}
	at := func(line, char int, extra ...any) map[string]any {
		p := map[string]any{"textDocument": td, "position": edPosition(line, char)}
		for i := 0; i+1 < len(extra); i += 2 {
			p[extra[i].(string)] = extra[i+1]
		}
		return p
	}

	c := lsptest.Start(t)
	init := c.Initialize(map[string]any{"textDocument": map[string]any{
		"completion":     map[string]any{"completionItem": map[string]any{"snippetSupport": true}},
		"documentSymbol": map[string]any{"hierarchicalDocumentSymbolSupport": true},
		"rename":         map[string]any{"prepareSupport": true},
	}})
	var caps struct {
		Capabilities map[string]json.RawMessage `json:"capabilities"`
	}
	if err := json.Unmarshal(init.Result, &caps); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"completionProvider", "hoverProvider", "signatureHelpProvider", "definitionProvider", "referencesProvider",
		"documentHighlightProvider", "documentSymbolProvider", "renameProvider", "foldingRangeProvider", "semanticTokensProvider",
		"documentFormattingProvider", "documentRangeFormattingProvider", "documentOnTypeFormattingProvider", "documentLinkProvider"} {
		if _, ok := caps.Capabilities[k]; !ok {
			t.Errorf("capability %s missing", k)
		}
	}
	var legend struct {
		Legend struct{ TokenTypes []string } `json:"legend"`
		Full   struct{ Delta bool }          `json:"full"`
	}
	if err := json.Unmarshal(caps.Capabilities["semanticTokensProvider"], &legend); err != nil || !legend.Full.Delta || len(legend.Legend.TokenTypes) == 0 {
		t.Fatalf("semantic tokens provider: %s", caps.Capabilities["semanticTokensProvider"])
	}
	if string(caps.Capabilities["renameProvider"]) != `{"prepareProvider":true}` {
		t.Errorf("renameProvider %s", caps.Capabilities["renameProvider"])
	}

	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": docURI, "languageId": "dockerfile", "version": 1, "text": editingDoc}})

	t.Run("completion", func(t *testing.T) {
		type item struct {
			Label            string
			Kind             int
			InsertTextFormat int
			TextEdit         edTextEdit
		}
		var list struct{ Items []item }
		edResult(t, c, "textDocument/completion", at(9, 12), &list)
		if len(list.Items) != 1 || list.Items[0].Label != "build" || list.Items[0].TextEdit.Range.String() != "9:12-9:12" {
			t.Errorf("COPY --from= completion: %+v", list.Items)
		}
		edResult(t, c, "textDocument/completion", at(11, 0), &list)
		var copyItem *item
		for i := range list.Items {
			if list.Items[i].Label == "COPY" {
				copyItem = &list.Items[i]
			}
		}
		if copyItem == nil || copyItem.InsertTextFormat != 2 || copyItem.TextEdit.NewText != "COPY ${1:source} ${2:dest}" || copyItem.Kind != 14 {
			t.Errorf("keyword completion: %+v", copyItem)
		}
		edResult(t, c, "textDocument/completion", at(6, 23), &list)
		var got []string
		for _, it := range list.Items {
			got = append(got, it.Label)
		}
		if strings.Join(got, " ") != "target id sharing from source mode uid gid ro" {
			t.Errorf("mount keys: %v", got)
		}
	})

	t.Run("hover", func(t *testing.T) {
		var h struct {
			Contents struct{ Kind, Value string }
			Range    edRange
		}
		edResult(t, c, "textDocument/hover", at(3, 5), &h)
		if h.Contents.Kind != "markdown" || !strings.HasPrefix(h.Contents.Value, "**ARG** `GO` = `1.22`") || h.Range.String() != "3:4-3:6" {
			t.Errorf("variable hover: %+v", h)
		}
		edResult(t, c, "textDocument/hover", at(5, 1), &h)
		if !strings.Contains(h.Contents.Value, "**Re-runs when:** `go.mod` changes in the build context") ||
			!strings.Contains(h.Contents.Value, "https://docs.docker.com/reference/dockerfile/#copy") {
			t.Errorf("instruction hover: %s", h.Contents.Value)
		}
	})

	t.Run("signatureHelp", func(t *testing.T) {
		var sh struct {
			Signatures []struct {
				Label      string
				Parameters []struct{ Label [2]int }
			}
			ActiveSignature, ActiveParameter int
		}
		edResult(t, c, "textDocument/signatureHelp", at(9, 31), &sh)
		sig := sh.Signatures[sh.ActiveSignature]
		p := sig.Parameters[sh.ActiveParameter].Label
		if !strings.HasPrefix(sig.Label, "COPY [--from=") || sig.Label[p[0]:p[1]] != "<dest>" {
			t.Errorf("signature %q, active %q", sig.Label, sig.Label[p[0]:p[1]])
		}
	})

	t.Run("definition and references", func(t *testing.T) {
		var locs []struct {
			URI   string
			Range edRange
		}
		edResult(t, c, "textDocument/definition", at(9, 13), &locs)
		if len(locs) != 1 || locs[0].URI != docURI || locs[0].Range.String() != "2:21-2:26" {
			t.Errorf("definition: %+v", locs)
		}
		edResult(t, c, "textDocument/references", at(2, 22, "context", map[string]any{"includeDeclaration": true}), &locs)
		if len(locs) != 2 || locs[0].Range.String() != "2:21-2:26" || locs[1].Range.String() != "9:12-9:17" {
			t.Errorf("references: %+v", locs)
		}
		var hs []struct {
			Range edRange
			Kind  int
		}
		edResult(t, c, "textDocument/documentHighlight", at(1, 4), &hs)
		var got []string
		for _, h := range hs {
			got = append(got, h.Range.String()+"/"+edItoa(h.Kind))
		}
		if strings.Join(got, " ") != "1:4-1:6/3 2:14-2:16/2 3:4-3:6/3" {
			t.Errorf("highlights: %v", got)
		}
	})

	t.Run("rename", func(t *testing.T) {
		var prep struct {
			Range       edRange
			Placeholder string
		}
		edResult(t, c, "textDocument/prepareRename", at(9, 13), &prep)
		if prep.Range.String() != "9:12-9:17" || prep.Placeholder != "build" {
			t.Errorf("prepareRename: %+v", prep)
		}
		var we struct{ Changes map[string][]edTextEdit }
		edResult(t, c, "textDocument/rename", at(9, 13, "newName", "builder"), &we)
		edits := we.Changes[docURI]
		if len(edits) != 2 || edits[0].Range.String() != "2:21-2:26" || edits[1].Range.String() != "9:12-9:17" || edits[1].NewText != "builder" {
			t.Errorf("rename: %+v", we)
		}
		if m := c.Call("textDocument/rename", at(9, 13, "newName", "not valid")); m.Error == nil || !strings.Contains(m.Error.Message, "not a valid stage name") {
			t.Errorf("invalid rename: %+v", m.Error)
		}
	})

	t.Run("documentSymbol", func(t *testing.T) {
		type sym struct {
			Name     string
			Kind     int
			Children []sym
		}
		var syms []sym
		edResult(t, c, "textDocument/documentSymbol", map[string]any{"textDocument": td}, &syms)
		var got []string
		for _, s := range syms {
			var kids []string
			for _, k := range s.Children {
				kids = append(kids, k.Name)
			}
			got = append(got, s.Name+"("+strings.Join(kids, ",")+")")
		}
		if strings.Join(got, " ") != "GO() build(ARG,WORKDIR,COPY,RUN) alpine:3.19(COPY,CMD)" {
			t.Errorf("symbols: %v", got)
		}
	})

	t.Run("foldingRange", func(t *testing.T) {
		var folds []struct {
			StartLine, EndLine int
			Kind               string
		}
		edResult(t, c, "textDocument/foldingRange", map[string]any{"textDocument": td}, &folds)
		var got []string
		for _, f := range folds {
			got = append(got, edItoa(f.StartLine)+"-"+edItoa(f.EndLine)+" "+f.Kind)
		}
		if strings.Join(got, ", ") != "2-7 region, 6-7 region, 8-10 region" {
			t.Errorf("folds: %v", got)
		}
	})

	t.Run("formatting", func(t *testing.T) {
		var edits []edTextEdit
		opts := map[string]any{"tabSize": 4, "insertSpaces": true}
		edResult(t, c, "textDocument/formatting", map[string]any{"textDocument": td, "options": opts}, &edits)
		want := []edTextEdit{{edRange{edPos2(5, 0), edPos2(5, 4)}, "COPY"}, {edRange{edPos2(7, 2), edPos2(7, 2)}, "  "}}
		if !reflect.DeepEqual(edits, want) {
			t.Errorf("formatting: %+v", edits)
		}
		edResult(t, c, "textDocument/rangeFormatting", map[string]any{"textDocument": td, "options": opts,
			"range": map[string]any{"start": edPosition(5, 0), "end": edPosition(5, 3)}}, &edits)
		if !reflect.DeepEqual(edits, want[:1]) {
			t.Errorf("range formatting: %+v", edits)
		}
		// On Enter, the line just finished is formatted, not the new one.
		edResult(t, c, "textDocument/onTypeFormatting", at(6, 0, "ch", "\n", "options", opts), &edits)
		if !reflect.DeepEqual(edits, want[:1]) {
			t.Errorf("on-type formatting after line 5: %+v", edits)
		}
		edResult(t, c, "textDocument/onTypeFormatting", at(8, 0, "ch", "\n", "options", opts), &edits)
		if !reflect.DeepEqual(edits, want[1:]) {
			t.Errorf("on-type formatting after line 7: %+v", edits)
		}
		edits = nil
		edResult(t, c, "textDocument/onTypeFormatting", at(6, 0, "ch", "x", "options", opts), &edits)
		if len(edits) != 0 {
			t.Errorf("on-type formatting for another character: %+v", edits)
		}
	})

	t.Run("documentLink", func(t *testing.T) {
		var links []struct {
			Range  edRange
			Target string
		}
		edResult(t, c, "textDocument/documentLink", map[string]any{"textDocument": td}, &links)
		var got []string
		for _, l := range links {
			got = append(got, l.Range.String()+" "+l.Target)
		}
		want := []string{
			"2:5-2:11 https://hub.docker.com/_/golang",
			"5:5-5:11 " + "file://" + filepath.ToSlash(filepath.Join(dir, "go.mod")),
			"8:5-8:11 https://hub.docker.com/_/alpine",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("links:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("semanticTokens", func(t *testing.T) {
		var full struct {
			ResultID string `json:"resultId"`
			Data     []int
		}
		edResult(t, c, "textDocument/semanticTokens/full", map[string]any{"textDocument": td}, &full)
		toks := edDecodeTokens(full.Data)
		if toks[0] != [5]int{0, 0, 1, 1, 0} { // "#" comment
			t.Errorf("first token %v", toks[0])
		}
		// "build" after AS on line 2: namespace (6) with the declaration modifier.
		if !edContainsToken(toks, [5]int{2, 21, 5, 6, 1}) {
			t.Errorf("no stage-name token in %v", toks)
		}
		// "go" on line 7, the command RUN runs: function (8).
		if !edContainsToken(toks, [5]int{7, 2, 2, 8, 0}) {
			t.Errorf("no command token in %v", toks)
		}

		// A range: the tokens of lines 7 and 8 only, the same as in the full result.
		var ranged struct{ Data []int }
		edResult(t, c, "textDocument/semanticTokens/range", map[string]any{"textDocument": td,
			"range": map[string]any{"start": edPosition(7, 0), "end": edPosition(9, 0)}}, &ranged)
		var want [][5]int
		for _, tk := range toks {
			if tk[0] == 7 || tk[0] == 8 {
				want = append(want, tk)
			}
		}
		if got := edDecodeTokens(ranged.Data); len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("range tokens %v, want %v", got, want)
		}

		// An edit, then a delta against the first result.
		c.Notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": docURI, "version": 2},
			"contentChanges": []map[string]any{{"range": map[string]any{"start": edPosition(4, 0), "end": edPosition(4, 0)}, "text": "ENV X=1\n"}}})
		var delta struct {
			ResultID string `json:"resultId"`
			Edits    []struct {
				Start, DeleteCount int
				Data               []int
			}
		}
		edResult(t, c, "textDocument/semanticTokens/full/delta", map[string]any{"textDocument": td, "previousResultId": full.ResultID}, &delta)
		if len(delta.Edits) != 1 || delta.ResultID == "" || delta.ResultID == full.ResultID {
			t.Fatalf("delta: %+v", delta)
		}
		e := delta.Edits[0]
		patched := append(append(append([]int{}, full.Data[:e.Start]...), e.Data...), full.Data[e.Start+e.DeleteCount:]...)
		var now struct{ Data []int }
		edResult(t, c, "textDocument/semanticTokens/full", map[string]any{"textDocument": td}, &now)
		if !reflect.DeepEqual(patched, now.Data) {
			t.Errorf("delta applied to the old tokens differs from the new tokens")
		}
		// A stale result id gets full tokens.
		var stale struct {
			Data  []int
			Edits []any
		}
		edResult(t, c, "textDocument/semanticTokens/full/delta", map[string]any{"textDocument": td, "previousResultId": "nope"}, &stale)
		if len(stale.Data) == 0 || stale.Edits != nil {
			t.Errorf("stale delta: %+v", stale)
		}
	})

	if code := c.Exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func edPos2(line, char int) edPos { return edPos{line, char} }

// decodeTokens turns LSP's relative encoding into absolute
// (line, start, length, type, modifiers).
func edDecodeTokens(data []int) [][5]int {
	var out [][5]int
	line, col := 0, 0
	for i := 0; i+4 < len(data); i += 5 {
		if data[i] > 0 {
			line, col = line+data[i], data[i+1]
		} else {
			col += data[i+1]
		}
		out = append(out, [5]int{line, col, data[i+2], data[i+3], data[i+4]})
	}
	return out
}

func edContainsToken(toks [][5]int, want [5]int) bool {
	for _, t := range toks {
		if t == want {
			return true
		}
	}
	return false
}
