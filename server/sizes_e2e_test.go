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

// sizesProject writes a Dockerfile and a build context of known sizes into
// a temp folder and returns the Dockerfile's URI and text.
func sizesProject(t *testing.T) (string, string) {
	dir := t.TempDir()
	write := func(rel string, n int) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/a.py", 1500)
	write("app/b.py", 2500)
	write("app/static/c.css", 6000)
	write("notes.log", 4000) // ignored
	text := "FROM python:3.12-slim\nCOPY app/ /app/\nRUN pip install --no-cache-dir flask\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("*.log\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + filepath.ToSlash(filepath.Join(dir, "Dockerfile")), text
}

type wireHint struct {
	Position struct{ Line, Character int } `json:"position"`
	Label    string                        `json:"label"`
	Tooltip  struct {
		Value string `json:"value"`
	} `json:"tooltip"`
}

type wireLens struct {
	Range struct {
		Start struct{ Line, Character int } `json:"start"`
	} `json:"range"`
	Command struct {
		Title   string `json:"title"`
		Tooltip string `json:"tooltip"`
	} `json:"command"`
}

func openFile(c *lsptest.Client, u, text string) {
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": u, "languageId": "dockerfile", "version": 1, "text": text}})
}

// answerRefreshes replies to the server's refresh requests and reports
// whether method was requested.
func answerRefreshes(c *lsptest.Client, answered map[string]bool, method string) bool {
	seen := false
	for _, m := range c.Messages() {
		if m.Method != "workspace/inlayHint/refresh" && m.Method != "workspace/codeLens/refresh" || m.ID == nil {
			continue
		}
		seen = seen || m.Method == method
		if !answered[string(m.ID)] {
			answered[string(m.ID)] = true
			c.WriteRaw(lsptest.Frame(`{"jsonrpc":"2.0","id":` + string(m.ID) + `,"result":null}`))
		}
	}
	return seen
}

func inlayHints(t *testing.T, c *lsptest.Client, u string) []wireHint {
	res := c.Call("textDocument/inlayHint", map[string]any{"textDocument": map[string]any{"uri": u},
		"range": map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 1000, "character": 0}}})
	if res.Error != nil {
		t.Fatalf("inlayHint: %+v", res.Error)
	}
	var hs []wireHint
	if err := json.Unmarshal(res.Result, &hs); err != nil || hs == nil {
		t.Fatalf("inlayHint result %s: %v", res.Result, err)
	}
	return hs
}

func codeLenses(t *testing.T, c *lsptest.Client, u string) []wireLens {
	res := c.Call("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": u}})
	if res.Error != nil {
		t.Fatalf("codeLens: %+v", res.Error)
	}
	var ls []wireLens
	if err := json.Unmarshal(res.Result, &ls); err != nil || ls == nil {
		t.Fatalf("codeLens result %s: %v", res.Result, err)
	}
	return ls
}

var refreshCaps = map[string]any{"workspace": map[string]any{
	"inlayHint": map[string]any{"refreshSupport": true},
	"codeLens":  map[string]any{"refreshSupport": true},
}}

func TestSizesInlayHintsE2E(t *testing.T) {
	u, text := sizesProject(t)
	c := lsptest.Start(t)
	res := c.Initialize(refreshCaps)
	var init struct {
		Capabilities struct {
			InlayHintProvider json.RawMessage `json:"inlayHintProvider"`
			CodeLensProvider  json.RawMessage `json:"codeLensProvider"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(res.Result, &init); err != nil || init.Capabilities.InlayHintProvider == nil || init.Capabilities.CodeLensProvider == nil {
		t.Fatalf("inlay hints and code lenses not declared: %s", res.Result)
	}
	openFile(c, u, text)

	// The context loads in the background: until it has, the COPY has no
	// size, and the server asks for a refresh when it is ready.
	answered := map[string]bool{}
	var hints []wireHint
	first := true
	firstHadCopy := false
	deadline := time.Now().Add(15 * time.Second)
	for {
		hints = inlayHints(t, c, u)
		has := false
		for _, h := range hints {
			has = has || h.Position.Line == 1
		}
		if first {
			firstHadCopy, first = has, false
		}
		if has {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no size hint on the COPY; got %+v", hints)
		}
		answerRefreshes(c, answered, "")
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("first answer had the COPY size: %v", firstHadCopy)
	if !firstHadCopy {
		if _, ok := c.WaitFor("inlay hint refresh", 10*time.Second, func(m lsptest.Message) bool { return m.Method == "workspace/inlayHint/refresh" }); !ok {
			t.Error("the first answer lacked the COPY size, but no workspace/inlayHint/refresh followed")
		}
		answerRefreshes(c, answered, "")
	}
	want := []struct {
		line, char int
		label, tip string
	}{
		{0, len("FROM python:3.12-slim"), "≈ 45 MB compressed", "Docker Hub"},
		{0, len("FROM python:3.12-slim"), "context: sends ≈ 10.0 kB, 3 files", "10,000 bytes in 3 files"},
		{1, len("COPY app/ /app/"), "≈ 10.0 kB, 3 files", "10,000 bytes in 3 files"},
		{2, len("RUN pip install --no-cache-dir flask"), "installs pip: flask · unknown size", "flask"},
	}
	if len(hints) != len(want) {
		t.Fatalf("got %d hints, want %d: %+v", len(hints), len(want), hints)
	}
	for i, w := range want {
		h := hints[i]
		if h.Position.Line != w.line || h.Position.Character != w.char || h.Label != w.label || !strings.Contains(h.Tooltip.Value, w.tip) {
			t.Errorf("hint %d = %+v, want line %d col %d %q with %q in the tooltip", i, h, w.line, w.char, w.label, w.tip)
		}
	}
	// Hints are the setting's default: code lenses stay empty.
	if ls := codeLenses(t, c, u); len(ls) != 0 {
		t.Errorf("code lenses while sizes=inlayHints: %+v", ls)
	}
	// A range covering only line 2 gets only its hint.
	res = c.Call("textDocument/inlayHint", map[string]any{"textDocument": map[string]any{"uri": u},
		"range": map[string]any{"start": map[string]any{"line": 2, "character": 0}, "end": map[string]any{"line": 2, "character": 100}}})
	var some []wireHint
	if err := json.Unmarshal(res.Result, &some); err != nil || len(some) != 1 || some[0].Position.Line != 2 {
		t.Errorf("ranged inlayHint: %s", res.Result)
	}
	if code := c.Exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func initializeWith(t *testing.T, c *lsptest.Client, options map[string]any) {
	res := c.Call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": refreshCaps, "initializationOptions": options})
	if res.Error != nil {
		t.Fatalf("initialize failed: %+v", res.Error)
	}
	c.Notify("initialized", map[string]any{})
}

func TestSizesCodeLensSettingE2E(t *testing.T) {
	u, text := sizesProject(t)
	c := lsptest.Start(t)
	initializeWith(t, c, map[string]any{"sizes": "codeLens"})
	openFile(c, u, text)
	answered := map[string]bool{}
	var lenses []wireLens
	deadline := time.Now().Add(15 * time.Second)
	for {
		lenses = codeLenses(t, c, u)
		if len(lenses) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("code lenses never included the COPY size: %+v", lenses)
		}
		answerRefreshes(c, answered, "")
		time.Sleep(100 * time.Millisecond)
	}
	titles := []string{"≈ 45 MB compressed", "context: sends ≈ 10.0 kB, 3 files", "≈ 10.0 kB, 3 files", "installs pip: flask · unknown size"}
	lines := []int{0, 0, 1, 2}
	for i, l := range lenses {
		if l.Command.Title != titles[i] || l.Range.Start.Line != lines[i] || l.Range.Start.Character != 0 {
			t.Errorf("lens %d = %+v, want %q on line %d", i, l, titles[i], lines[i])
		}
	}
	if !strings.Contains(lenses[2].Command.Tooltip, "10,000 bytes in 3 files") {
		t.Errorf("COPY lens tooltip: %q", lenses[2].Command.Tooltip)
	}
	if hs := inlayHints(t, c, u); len(hs) != 0 {
		t.Errorf("inlay hints while sizes=codeLens: %+v", hs)
	}
}

func TestSizesOffE2E(t *testing.T) {
	u, text := sizesProject(t)
	c := lsptest.Start(t)
	initializeWith(t, c, map[string]any{"dockerfile-ls": map[string]any{"sizes": "off"}})
	openFile(c, u, text)
	if hs, ls := inlayHints(t, c, u), codeLenses(t, c, u); len(hs) != 0 || len(ls) != 0 {
		t.Errorf("sizes=off still answers: %+v %+v", hs, ls)
	}
}
