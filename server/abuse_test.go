//go:build unix

package server

// Protocol abuse (issue 9): the real binary gets garbage, truncated and
// oversized frames, absurdly nested JSON, wrong types, impossible
// positions, unknown URIs and bursts of requests. After each, it must still
// answer; it exits only on "exit"; its memory stays bounded.
//
// And its security properties, under strace: no network, no exec, no file
// opened outside the workspace, no symlink followed out of it.

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// abuser wraps a binary server with the checks every abuse step ends with.
type abuser struct {
	t   *testing.T
	srv *binaryServer
	c   *stressConn
	uri string // an open document
}

// probe proves the server still serves: an unknown request must be answered
// with MethodNotFound. A step that swallowed bytes (a truncated frame eats
// what follows it) may eat the first probes, so a few are tried.
func (a *abuser) probe(step string) {
	a.t.Helper()
	for try := 0; try < 6; try++ {
		if !a.srv.alive() {
			a.t.Fatalf("after %s: the server exited; stderr:\n%s", step, a.srv.stderr.String())
		}
		id, err := a.c.request("dockerfile/probe", map[string]any{}, true)
		if err != nil {
			a.t.Fatalf("after %s: writing to the server: %v", step, err)
		}
		if r, err := a.c.reply(id, 3*time.Second); err == nil {
			if !strings.Contains(string(r), "-32601") {
				a.t.Errorf("after %s: probe answered %s, want MethodNotFound", step, r)
			}
			return
		}
		// Not answered: its bytes went into an earlier frame's body; the
		// request will never be answered, so stop waiting for it.
		a.c.mu.Lock()
		delete(a.c.pending, id)
		delete(a.c.keepReply, id)
		a.c.mu.Unlock()
	}
	a.t.Fatalf("after %s: the server no longer answers; stderr:\n%.20000s", step, a.srv.stderr.String())
}

// callAnswered sends a request and requires some answer (result or error).
func (a *abuser) callAnswered(step, method string, params any) json.RawMessage {
	a.t.Helper()
	r, err := a.c.call(method, params, 30*time.Second)
	if err != nil {
		a.t.Errorf("%s: %v", step, err)
	}
	return r
}

func (a *abuser) raw(b string) {
	a.t.Helper()
	if err := a.c.writeRaw([]byte(b)); err != nil {
		a.t.Fatalf("writing to the server: %v", err)
	}
}

func frame(body string) string { return string(lspframe.Frame([]byte(body))) }

func nested(open, close string, depth int) string {
	return strings.Repeat(open, depth) + strings.Repeat(close, depth)
}

func TestAbuseProtocol(t *testing.T) {
	skipBinarySoakInShort(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "Dockerfile")
	text := testgen.Dockerfile(2000, 110)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startBinary(t, "abused binary")
	a := &abuser{t: t, srv: srv, c: srv.conn, uri: "file://" + filepath.ToSlash(path)}
	a.c.initialize(t, dir)
	if err := a.c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": a.uri, "languageId": "dockerfile", "version": 1, "text": text}}); err != nil {
		t.Fatal(err)
	}
	if !a.c.quiesce(map[string]int32{a.uri: 1}, time.Second, time.Minute) {
		t.Fatal("no diagnostics for the opened document")
	}
	pid := srv.proc.Pid()
	rssStart, _ := procMemory(pid)
	rng := rand.New(rand.NewPCG(1, 2))

	t.Run("random bytes", func(t *testing.T) {
		for i := 0; i < 8; i++ {
			b := make([]byte, 32<<10)
			for j := range b {
				b[j] = byte(rng.IntN(256))
			}
			a.raw(string(b))
		}
		a.raw("\r\n\r\n\n\n") // end any header block the garbage started
		a.probe("256 KiB of random bytes")
		a.raw(strings.Repeat("Content-Type: x\r\n", 1000) + "\r\n")
		a.probe("a header block without Content-Length")
		a.raw(strings.Repeat("x", 1<<20) + "\r\n")
		a.probe("a 1 MiB header line")
	})

	t.Run("truncated frames", func(t *testing.T) {
		a.raw("Content-Length: 200\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":999999,\"method\":\"textDocument/hover\"")
		a.probe("a body shorter than its Content-Length")
		a.raw("Content-Length: 50\r\n")
		a.probe("a header without its blank line")
		a.raw("Content-Length: 5\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}")
		a.probe("a body longer than its Content-Length")
		a.raw("Content-Length: 0\r\n\r\n")
		a.probe("an empty body")
		a.raw("Content-Length: 4\r\n\r\nnull")
		a.probe("a null body")
	})

	t.Run("bad and huge Content-Length", func(t *testing.T) {
		for _, h := range []string{"99999999999999999999999", "1073741824", "67108865", "-1", "abc", "0x10", " 12 34", "1e3"} {
			a.raw("Content-Length: " + h + "\r\n\r\n{}")
			a.probe("Content-Length: " + h)
		}
		// The largest body the server accepts (64 MiB), all of it sent: it is
		// rejected as invalid JSON, and memory must come back under bound.
		a.raw("Content-Length: 67108864\r\n\r\n")
		chunk := strings.Repeat(" ", 1<<20)
		for i := 0; i < 64; i++ {
			a.raw(chunk)
		}
		a.probe("a 64 MiB body of spaces")
	})

	t.Run("deeply nested JSON", func(t *testing.T) {
		const depth = 100000
		a.raw(frame(nested("[", "]", depth)))
		a.probe("a body of 100k nested arrays")
		id := a.c.reserve("textDocument/hover")
		a.raw(frame(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"textDocument/hover","params":`, id) + nested("[", "]", depth) + `}`))
		a.probe("params of 100k nested arrays")
		id = a.c.reserve("textDocument/hover")
		a.raw(frame(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"textDocument/hover","params":`, id) + nested(`{"a":`, "}", depth) + `}`))
		a.probe("params of 100k nested objects")
		a.raw(frame(`{"jsonrpc":"2.0","id":` + nested("[", "]", depth) + `,"method":"textDocument/hover","params":{}}`))
		a.probe("an id of 100k nested arrays")
		a.raw(frame(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"` + a.uri + `","version":2},"contentChanges":` + nested("[", "]", depth) + `}}`))
		a.probe("a didChange of 100k nested arrays")
		id = a.c.reserve("workspace/executeCommand")
		a.raw(frame(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"workspace/executeCommand","params":{"command":"x","arguments":[`, id) + nested(`{"a":[`, "]}", depth/2) + `]}}`))
		a.probe("executeCommand arguments of 100k levels")
	})

	t.Run("not JSON-RPC", func(t *testing.T) {
		for _, body := range []string{
			`[{"jsonrpc":"2.0","id":%d,"method":"shutdown"},{"jsonrpc":"2.0","method":"exit"}]`, // a batch: must not shut down
			`{"jsonrpc":"1.0","id":%d,"method":"textDocument/hover","params":{}}`,
			`{"jsonrpc":"2.0","id":null,"method":"textDocument/hover","params":{}}`,
			`{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover","params":{}}`,
			`{"jsonrpc":"2.0","id":1.5,"method":"textDocument/hover","params":{}}`,
			`{"jsonrpc":"2.0","id":"s","method":5,"params":{}}`,
			`{"jsonrpc":"2.0","method":"exi` + "\x00" + `t"}`,
			`{"jsonrpc":"2.0","id":"x","result":{}}`, // a response to nothing
			`{"jsonrpc":"2.0","id":%d,"method":"initialize","params":{"capabilities":{}}}`,
			"{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"textDocument/hover\",\"params\":{\"x\":\"\xff\xfe\"}}",
			`"just a string"`, `12345`, `{}`, `{"jsonrpc":"2.0"}`, `{"method":"textDocument/hover"`,
		} {
			if strings.Contains(body, "%d") {
				body = fmt.Sprintf(body, a.c.reserve("raw"))
			}
			a.raw(frame(body))
			a.probe(fmt.Sprintf("the body %.60q", body))
		}
	})

	requestMethods := []string{
		"textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/references",
		"textDocument/documentHighlight", "textDocument/documentSymbol", "textDocument/semanticTokens/full",
		"textDocument/semanticTokens/full/delta", "textDocument/semanticTokens/range", "textDocument/codeAction",
		"codeAction/resolve", "textDocument/formatting", "textDocument/rangeFormatting", "textDocument/onTypeFormatting",
		"textDocument/signatureHelp", "textDocument/foldingRange", "textDocument/documentLink", "documentLink/resolve",
		"textDocument/inlayHint", "inlayHint/resolve", "textDocument/codeLens", "codeLens/resolve",
		"textDocument/prepareRename", "textDocument/rename", "textDocument/diagnostic", "workspace/diagnostic",
		"workspace/executeCommand", "workspace/symbol", "completionItem/resolve", "textDocument/selectionRange",
	}

	t.Run("wrong param types", func(t *testing.T) {
		bad := []any{5, "str", []any{}, nil, true, map[string]any{"textDocument": 5},
			map[string]any{"textDocument": map[string]any{"uri": 5}, "position": "x"},
			map[string]any{"textDocument": map[string]any{"uri": a.uri}, "position": map[string]any{"line": "1", "character": nil}},
			map[string]any{"textDocument": map[string]any{"uri": a.uri}, "range": []any{1, 2}, "context": 7, "options": "x"}}
		for _, m := range requestMethods {
			for _, p := range bad {
				a.callAnswered(fmt.Sprintf("%s with params %v", m, p), m, p)
			}
		}
		for _, m := range []string{"textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "textDocument/didSave",
			"workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles", "workspace/didChangeWorkspaceFolders", "$/setTrace", "initialized"} {
			for _, p := range bad {
				if err := a.c.notify(m, p); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, p := range []any{
			map[string]any{"textDocument": map[string]any{"uri": a.uri, "version": "7"}, "contentChanges": "x"},
			map[string]any{"textDocument": map[string]any{"uri": a.uri, "version": 7}, "contentChanges": []any{5, nil, map[string]any{"text": 5}}},
			map[string]any{"textDocument": map[string]any{"uri": a.uri, "languageId": 5, "version": "x", "text": 5}},
			map[string]any{"settings": map[string]any{"dockerfile-ls": map[string]any{"rules": 5, "buildArgs": "x", "diagnostics": []any{1}}}},
			map[string]any{"changes": []any{map[string]any{"uri": 5, "type": "x"}}},
		} {
			for _, m := range []string{"textDocument/didChange", "textDocument/didOpen", "workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles"} {
				if err := a.c.notify(m, p); err != nil {
					t.Fatal(err)
				}
			}
		}
		a.probe("wrong parameter types")
	})

	t.Run("impossible positions", func(t *testing.T) {
		for _, pos := range []map[string]any{
			{"line": 1000000, "character": 0}, {"line": 0, "character": 1000000}, {"line": 4294967295, "character": 4294967295},
			{"line": 4294967296, "character": 0}, {"line": -1, "character": 0}, {"line": 0, "character": -5},
			{"line": 1.5, "character": 0}, {"line": 1e300, "character": 0},
		} {
			for _, m := range requestMethods {
				a.callAnswered(fmt.Sprintf("%s at %v", m, pos), m, map[string]any{
					"textDocument": map[string]any{"uri": a.uri}, "position": pos, "newName": "x",
					"range":   map[string]any{"start": pos, "end": map[string]any{"line": 0, "character": 0}},
					"context": map[string]any{"diagnostics": []any{}, "includeDeclaration": true}, "ch": "\\",
					"options": map[string]any{"tabSize": 4, "insertSpaces": true}, "positions": []any{pos}})
			}
		}
		// Edits past the end are clamped; negative ones are rejected.
		version := int32(100)
		for _, r := range []map[string]any{
			{"start": map[string]any{"line": 1000000, "character": 0}, "end": map[string]any{"line": 1000001, "character": 5}},
			{"start": map[string]any{"line": 5, "character": 900}, "end": map[string]any{"line": 3, "character": 0}},
			{"start": map[string]any{"line": -1, "character": -1}, "end": map[string]any{"line": 0, "character": 0}},
			{"start": map[string]any{"line": 0, "character": 4294967295}, "end": map[string]any{"line": 4294967295, "character": 0}},
		} {
			version++
			if err := a.c.notify("textDocument/didChange", map[string]any{
				"textDocument": map[string]any{"uri": a.uri, "version": version}, "contentChanges": []any{map[string]any{"range": r, "text": "RUN echo past the end\n"}}}); err != nil {
				t.Fatal(err)
			}
		}
		a.probe("impossible positions")
		// The document is still analysed: a whole-document change publishes.
		version++
		if err := a.c.notify("textDocument/didChange", map[string]any{
			"textDocument": map[string]any{"uri": a.uri, "version": version}, "contentChanges": []any{map[string]any{"text": text}}}); err != nil {
			t.Fatal(err)
		}
		if !a.c.quiesce(map[string]int32{a.uri: version}, 500*time.Millisecond, time.Minute) {
			t.Errorf("no publish of version %d after the impossible edits", version)
		}
	})

	t.Run("unknown URIs", func(t *testing.T) {
		for _, u := range []string{"file:///no/such/Dockerfile", "", "not a uri", "untitled:", "file://", "file:///etc/passwd",
			"http://127.0.0.1:9/Dockerfile", "file:///" + strings.Repeat("a/", 20000) + "Dockerfile", "file:///%zz%00/Dockerfile", "\x00"} {
			for _, m := range requestMethods {
				a.callAnswered(fmt.Sprintf("%s on %.40q", m, u), m, map[string]any{
					"textDocument": map[string]any{"uri": u}, "position": map[string]any{"line": 0, "character": 0},
					"range": map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 0, "character": 0}}})
			}
			_ = a.c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": u, "version": 5}, "contentChanges": []any{map[string]any{"text": "FROM x\n"}}})
			_ = a.c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": u}})
			_ = a.c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": u}})
		}
		a.probe("unknown URIs")
	})

	t.Run("hostile documents", func(t *testing.T) {
		docs := []string{
			"\\\r\nx\n", // a continuation with CRLF at the very start
			"\\ \r\necho $A\r\n",
			"FROM alpine\r\nRUN echo \\\r\n  $HOME\r\n",
			strings.Repeat("RUN echo ${A:-${B:-${C}}}\n", 2000),
			"FROM " + strings.Repeat("$", 100000) + "\n",
			"RUN " + strings.Repeat("\\\n", 20000) + "echo\n",
			"# syntax=" + strings.Repeat("x", 100000) + "\n",
			strings.Repeat("ARG A\n", 5000) + "FROM ${A}\n",
			"FROM alpine\nRUN <<" + strings.Repeat("E", 10000) + "\n",
			strings.Repeat("FROM a AS b\n", 3000),
			"FROM alpine\nCOPY " + strings.Repeat("[", 50000) + "\n",
			"\ufeffFROM alpine\n\u2028RUN echo\u2029\n",
			string([]byte{0xff, 0xfe, 0x00, 0x0a, 0xc3, 0x28, 0x0a}),
		}
		for i, d := range docs {
			u := fmt.Sprintf("untitled:hostile-%d", i)
			if err := a.c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": u, "languageId": "dockerfile", "version": 1, "text": d}}); err != nil {
				t.Fatal(err)
			}
			for _, m := range requestMethods {
				for _, pos := range []map[string]any{{"line": 0, "character": 0}, {"line": 0, "character": 1}, {"line": 1, "character": 0}} {
					a.callAnswered(fmt.Sprintf("%s on hostile document %d", m, i), m, map[string]any{
						"textDocument": map[string]any{"uri": u}, "position": pos, "newName": "x",
						"range":   map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 3, "character": 0}},
						"context": map[string]any{"diagnostics": []any{}}, "options": map[string]any{"tabSize": 4, "insertSpaces": true}})
				}
			}
			if !a.c.quiesce(map[string]int32{u: 1}, 200*time.Millisecond, time.Minute) {
				t.Errorf("no diagnostics for hostile document %d", i)
			}
			_ = a.c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": u}})
			a.probe(fmt.Sprintf("hostile document %d", i))
		}
	})

	t.Run("100 requests in flight", func(t *testing.T) {
		var ids []int
		for i := 0; i < 100; i++ {
			m := requestMethods[i%len(requestMethods)]
			id, err := a.c.request(m, map[string]any{
				"textDocument": map[string]any{"uri": a.uri}, "position": map[string]any{"line": i * 10, "character": 2},
				"range":   map[string]any{"start": map[string]any{"line": i, "character": 0}, "end": map[string]any{"line": i + 50, "character": 0}},
				"context": map[string]any{"diagnostics": []any{}}, "options": map[string]any{"tabSize": 4, "insertSpaces": true}, "newName": "x",
			}, true)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		for i := 0; i < 30; i++ { // cancel some of them, some twice
			_ = a.c.cancel(ids[rng.IntN(len(ids))])
		}
		for _, id := range ids {
			if _, err := a.c.reply(id, time.Minute); err != nil {
				t.Error(err)
			}
		}
		// And 100 edits in a burst: the last version is published.
		version := int32(1000)
		for i := 0; i < 100; i++ {
			version++
			line := strings.Count(text, "\n") / 2
			if err := a.c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": a.uri, "version": version},
				"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": line, "character": 0}, "end": map[string]any{"line": line, "character": 0}}, "text": "#"}}}); err != nil {
				t.Fatal(err)
			}
		}
		if !a.c.quiesce(map[string]int32{a.uri: version}, 500*time.Millisecond, time.Minute) {
			t.Errorf("the last of 100 rapid edits (version %d) was not published", version)
		}
		a.probe("100 requests in flight")
	})

	rssEnd, hwm := procMemory(pid)
	t.Logf("RSS %.1f MiB after opening a 2,000-line document, %.1f MiB after the abuse (peak %.1f MiB)", float64(rssStart)/1024, float64(rssEnd)/1024, float64(hwm)/1024)
	if rssEnd > rssStart+256<<10 { // KiB
		t.Errorf("RSS grew from %.1f MiB to %.1f MiB", float64(rssStart)/1024, float64(rssEnd)/1024)
	}
	reportViolations(t, a.c)
	reportPanics(t, srv.stderr.String())
	if code := srv.stop(t); code != 0 {
		t.Errorf("exit code %d after shutdown and exit, want 0", code)
	}
}

// ---- security properties ----------------------------------------------

// TestSecurityNoNetworkExecOrEscape runs the binary under strace while it
// analyses a Dockerfile that downloads and runs things and a build context
// with symlinks pointing out of it, and answers every request on it.
// Outside CI a missing strace skips the test; under CI=true it fails.
func TestSecurityNoNetworkExecOrEscape(t *testing.T) {
	skipBinarySoakInShort(t)
	straceBin, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("strace is not installed (apt-get install strace); the security test must run in CI")
		}
		t.Skip("strace is not installed: skipping the security test (apt-get install strace to run it)")
	}
	// Can we trace at all here (ptrace may be forbidden in a container)?
	if out, err := exec.Command(straceBin, "-f", "-qq", "-e", "trace=none", "true").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("strace cannot trace here: %v: %s", err, out)
		}
		t.Skipf("strace cannot trace here (%v: %s): skipping", err, out)
	}

	tmp := t.TempDir()
	ws, err := filepath.EvalSymlinks(tmp)
	if err != nil {
		t.Fatal(err)
	}
	// A build context that tries to lead the server out of the workspace.
	files := map[string]string{
		"Dockerfile": `# syntax=docker/dockerfile:1
FROM 127.0.0.1:5000/private/base:latest AS build
ADD https://127.0.0.1:9/archive.tar.gz /opt/
ADD http://localhost:9/installer.sh /tmp/
ADD git@127.0.0.1:example/repo.git /src
RUN curl -fsSL http://127.0.0.1:9/install.sh | sh
RUN --mount=type=secret,id=token wget -O- https://127.0.0.1:9/x | bash
COPY etc-link/passwd /copied-passwd
COPY ["outside/shadow", "/x"]
COPY ../../../../../../../../etc/hostname /h
COPY up/../../etc/hosts /h2
COPY --from=docker.io/library/alpine:3.19 /etc/os-release /
ONBUILD RUN rm -rf /
HEALTHCHECK CMD curl -f http://127.0.0.1:9/ || exit 1
CMD ["/bin/sh", "-c", "echo pwned > /tmp/pwned"]
`,
		"app.py":           "print('hi')\n",
		"requirements.txt": "flask\n",
		".dockerignore":    "*.log\n!etc-link\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(ws, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"etc-link": "/etc", "outside": "/root", "passwd": "/etc/passwd", "up": "..", "loop": "loop"} {
		if err := os.Symlink(target, filepath.Join(ws, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(ws, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(ws, "sub", "hostname")); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(os.TempDir(), fmt.Sprintf("pwned-%d", os.Getpid()))
	_ = os.Remove(marker)

	log := filepath.Join(t.TempDir(), "strace.log")
	// -y: file descriptors as paths (the resolved path of what was opened).
	srv := startBinary(t, "traced binary", straceBin, "-f", "-qq", "-y", "-s", "4096", "-o", log, "-e", traceSet)
	c := srv.conn
	c.initialize(t, ws)
	uri := "file://" + filepath.ToSlash(filepath.Join(ws, "Dockerfile"))
	text := files["Dockerfile"]
	if err := c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}); err != nil {
		t.Fatal(err)
	}
	if !c.quiesce(map[string]int32{uri: 1}, 2*time.Second, 2*time.Minute) {
		t.Fatal("no diagnostics for the Dockerfile")
	}
	// Exercise every feature on it, and a save and a file change.
	lines := strings.Count(text, "\n")
	for _, m := range []string{"textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/references",
		"textDocument/documentHighlight", "textDocument/documentLink", "textDocument/codeLens", "textDocument/inlayHint",
		"textDocument/codeAction", "textDocument/semanticTokens/full", "textDocument/documentSymbol", "textDocument/formatting",
		"textDocument/signatureHelp", "textDocument/foldingRange", "textDocument/diagnostic"} {
		for line := 0; line < lines; line++ {
			for _, col := range []int{0, 6, 12, 30} {
				pos := map[string]any{"line": line, "character": col}
				if _, err := c.call(m, map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos,
					"range":   map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": lines, "character": 0}},
					"context": map[string]any{"diagnostics": []any{}, "includeDeclaration": true}, "options": map[string]any{"tabSize": 4, "insertSpaces": true}}, 30*time.Second); err != nil {
					t.Error(err)
				}
			}
		}
	}
	_ = c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri}, "text": text})
	_ = c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{
		map[string]any{"uri": "file://" + filepath.ToSlash(filepath.Join(ws, "app.py")), "type": 2},
		map[string]any{"uri": "file:///etc/passwd", "type": 2}}})
	if err := c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2}, "contentChanges": []any{map[string]any{"text": text + "COPY up/ /up\n"}}}); err != nil {
		t.Fatal(err)
	}
	if !c.quiesce(map[string]int32{uri: 2}, 2*time.Second, 2*time.Minute) {
		t.Fatal("no diagnostics for version 2")
	}
	if code := srv.stop(t); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("%s exists: something ran the Dockerfile's commands", marker)
	}

	self, err := filepath.EvalSymlinks(lsptest.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	problems, counts := auditStrace(t, log, ws, self)
	t.Logf("strace: %v", counts)
	if len(problems) > 0 {
		t.Errorf("%d forbidden system calls (workspace %s):\n%s", len(problems), ws, strings.Join(problems[:min(40, len(problems))], "\n"))
	}
	if counts["path-in-workspace"] == 0 {
		t.Errorf("the trace shows no file opened in the workspace: is strace's output complete?")
	}
}

// allowedOutside are the files outside the workspace the server may open,
// and why. Everything is read-only (checked separately).
var allowedOutside = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`^/sys/kernel/mm/transparent_hugepage/`), "the Go runtime sizes its heap pages"},
	{regexp.MustCompile(`^/proc/self/`), "the Go runtime and os packages read their own process state"},
	{regexp.MustCompile(`^/proc/[0-9]+/`), "the parent-process watch (ours) reads /proc/<pid>"},
	{regexp.MustCompile(`^/sys/fs/cgroup/`), "the Go runtime reads its CPU limit (GOMAXPROCS)"},
	{regexp.MustCompile(`^/proc/stat$`), "CPU count"},
	{regexp.MustCompile(`^/etc/localtime$|^/usr/share/zoneinfo/`), "time zone for log timestamps"},
	{regexp.MustCompile(`^/dev/(null|urandom|random)$`), "the os and crypto packages"},
	{regexp.MustCompile(`^/(etc/ld\.so\.cache|etc/ld\.so\.preload|lib|lib64|usr/lib)(/|$)`), "the dynamic loader, if the binary is dynamically linked"},
}

// pathCalls are the traced calls that name a path, and whether they follow
// a symlink in the last component unless told not to.
var pathCalls = map[string]bool{
	"open": true, "openat": true, "openat2": true, "creat": true, "stat": true, "newfstatat": true, "statx": true,
	"access": true, "faccessat": true, "faccessat2": true, "inotify_add_watch": true, "lstat": false,
	"readlink": false, "readlinkat": false,
}

// traceSet is what strace records for auditStrace.
const traceSet = "trace=%network,execve,execveat,open,openat,openat2,creat,stat,lstat,newfstatat,statx,access,faccessat,faccessat2," +
	"readlink,readlinkat,inotify_add_watch,mkdir,mkdirat,unlink,unlinkat,rename,renameat,renameat2,symlink,symlinkat,link,linkat,chmod,fchmodat,truncate"

// resolve is where path leads, following symlinks (all but the last
// component when nofollow); for a path that does not exist, where its
// longest existing prefix leads.
func resolve(path string, nofollow bool) string {
	if nofollow {
		return filepath.Join(resolve(filepath.Dir(path), false), filepath.Base(path))
	}
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	if dir := filepath.Dir(path); dir != path {
		return filepath.Join(resolve(dir, false), filepath.Base(path))
	}
	return path
}

// auditStrace lists the forbidden calls in an strace -f -y log: any
// network call, any exec but the server's own start, any write-mode open or
// file-system change, any path outside the workspace that allowedOutside
// does not explain, and any path inside it that leads out of it through a
// symlink (by resolving the path now, and by the path strace reports for
// an opened descriptor).
func auditStrace(t *testing.T, log, ws, self string) ([]string, map[string]int) {
	t.Helper()
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var problems []string
	counts := map[string]int{}
	call := regexp.MustCompile(`^(?:\[pid\s+)?(\d+)\]?\s+([a-z0-9_]+)\((.*)$`)
	quoted := regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
	fdPath := regexp.MustCompile(`= \d+<([^>]*)>`)
	dirfd := regexp.MustCompile(`^(-?\d+)<([^>]*)>`)
	inside := func(p string) bool { return p == ws || strings.HasPrefix(p, ws+"/") }
	allowed := func(p string) bool {
		if p == self || strings.HasPrefix(self, p+"/") || p == "/" {
			return true // the binary itself and the folders above it (os.Executable, the loader)
		}
		for _, a := range allowedOutside {
			if a.re.MatchString(p) {
				return true
			}
		}
		return false
	}
	resumed := regexp.MustCompile(`^(\d+)\s+<\.\.\. [a-z0-9_]+ resumed>(.*)$`)
	unfinished := map[string]string{} // pid → the first half of a call
	execs := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if head, ok := strings.CutSuffix(line, " <unfinished ...>"); ok {
			if m := call.FindStringSubmatch(head); m != nil {
				unfinished[m[1]] = head
			}
			continue
		}
		if r := resumed.FindStringSubmatch(line); r != nil {
			line = unfinished[r[1]] + r[2]
			delete(unfinished, r[1])
		}
		m := call.FindStringSubmatch(line)
		if m == nil {
			continue // "+++ exited", "--- SIG"
		}
		name, args := m[2], m[3]
		counts[name]++
		follows, isPath := pathCalls[name]
		switch {
		case name == "execve" || name == "execveat":
			execs++
			if execs > 1 || !strings.Contains(args, filepath.Base(self)) {
				problems = append(problems, "exec: "+line)
			}
			continue
		case isNetworkCall(name):
			problems = append(problems, "network: "+line)
			continue
		case !isPath:
			problems = append(problems, "file-system change: "+line)
			continue
		}
		q := quoted.FindStringSubmatch(args)
		if q == nil {
			continue
		}
		asked := q[1]
		if !filepath.IsAbs(asked) {
			if d := dirfd.FindStringSubmatch(args); d != nil {
				asked = filepath.Join(d[2], asked)
			}
		}
		asked = filepath.Clean(asked)
		if name == "creat" || strings.Contains(args, "O_WRONLY") || strings.Contains(args, "O_RDWR") || strings.Contains(args, "O_CREAT") || strings.Contains(args, "O_TRUNC") {
			if asked != "/dev/null" {
				problems = append(problems, "open for writing: "+line)
				continue
			}
		}
		nofollow := !follows || strings.Contains(args, "O_NOFOLLOW") || strings.Contains(args, "AT_SYMLINK_NOFOLLOW") || strings.Contains(args, "IN_DONT_FOLLOW")
		real := resolve(asked, nofollow)
		var got string
		if r := fdPath.FindStringSubmatch(line); r != nil {
			got = r[1]
		}
		switch {
		case inside(asked) && inside(real) && (got == "" || inside(got)):
			counts["path-in-workspace"]++
		case inside(asked):
			problems = append(problems, fmt.Sprintf("followed a symlink out of the workspace (%s leads to %s): %s", asked, cmp.Or(got, real), line))
		case allowed(asked) && (got == "" || allowed(got)):
			counts["path-allowed"]++
		case strings.HasPrefix(ws, asked+"/") && !strings.HasPrefix(name, "open") && name != "inotify_add_watch":
			counts["path-ancestor"]++ // resolving the workspace's own path looks at its parents
		default:
			problems = append(problems, "path outside the workspace: "+line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if execs == 0 {
		problems = append(problems, "no execve of the server at all: is the trace complete?")
	}
	return problems, counts
}

var networkCalls = []string{"socket", "connect", "bind", "listen", "accept", "accept4", "sendto", "sendmsg", "sendmmsg",
	"recvfrom", "recvmsg", "recvmmsg", "getsockopt", "setsockopt", "getsockname", "getpeername", "socketpair", "shutdown"}

func isNetworkCall(name string) bool { return slices.Contains(networkCalls, name) }
