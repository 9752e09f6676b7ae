//go:build unix

package server

// The soak and torture test of issue 9: many documents, random valid and
// invalid edits, interleaved (and cancelled) requests for a bounded time;
// then every document's last published diagnostics must equal a fresh
// analysis of its final text, and, once all are closed, the server's
// goroutines and heap must be back where they started.
//
//	go test -run Stress -stress.duration=60s ./server/          # the soak (make test-stress)
//	go test -run Stress -stress.duration=10m -timeout=30m ./server/
//	go test -run Stress -stress.seed=42 ./server/                # replay a failure
//
// Without -stress.duration and without a -run pattern naming it (as in
// "make unit" and "make race"), TestStress runs a short smoke version.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspproc"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

var (
	stressDuration = flag.Duration("stress.duration", 60*time.Second, "how long TestStress edits and queries (the binary variant runs a quarter of it)")
	stressDocs     = flag.Int("stress.docs", 100, "documents TestStress keeps open")
	stressSeed     = flag.Uint64("stress.seed", 0, "TestStress's random seed (0: from the clock; the seed is logged)")
)

// stressSettings resolves the duration and the number of documents: the
// flags when given, or when the test is selected by name; else a smoke run.
func stressSettings(t *testing.T) (time.Duration, int, uint64) {
	explicit := false
	flag.Visit(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "stress.") {
			explicit = true
		}
	})
	if run := flag.Lookup("test.run"); run != nil && strings.Contains(run.Value.String(), "Stress") {
		explicit = true
	}
	d, docs := *stressDuration, *stressDocs
	if !explicit {
		d, docs = 5*time.Second, 20
		t.Logf("smoke run (%s, %d documents); the soak is: go test -run Stress -stress.duration=60s ./server/", d, docs)
	}
	seed := *stressSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -stress.seed=%d)", seed, seed)
	return d, docs, seed
}

// skipBinarySoakInShort skips, under -short, a test that drives the real
// binary for many seconds: -short is the inner loop, and make race's, whose
// race detector cannot see into another process. make test-stress runs
// these tests.
func skipBinarySoakInShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: drives the real binary for many seconds (make test-stress runs it)")
	}
}

// ---- a JSON-RPC client for the stress and abuse tests -------------------

// stressConn is an LSP client over any pair of streams (an lsptest.Conn,
// which answers the server's requests): it keeps a ledger of the requests
// not answered yet, the last publishDiagnostics of every document, and
// every breach of the protocol it sees.
type stressConn struct {
	name string
	conn *lsptest.Conn

	mu         sync.Locker    // the connection's lock; it guards what follows
	pending    map[int]string // id → method, not answered yet
	replies    map[int]json.RawMessage
	keepReply  map[int]bool
	answered   int
	cancelled  int // answered with RequestCancelled
	last       map[string]stressPub
	lastPubAt  time.Time
	publishes  int
	violations []string
}

type stressPub struct {
	version *int32
	diags   string // canonical form, see canonicalDiagnostics
	count   int
}

func newStressConn(name string, r io.Reader, w io.Writer) *stressConn {
	c := &stressConn{name: name, pending: map[int]string{}, replies: map[int]json.RawMessage{}, keepReply: map[int]bool{}, last: map[string]stressPub{}}
	c.conn = lsptest.NewConn(name, r, w, lsptest.ConnOptions{Handle: c.handle, AnswerRequests: true})
	c.mu = c.conn
	return c
}

func (c *stressConn) violate(format string, args ...any) {
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
}

// handle records what the server sent; it runs with c.mu held.
func (c *stressConn) handle(m lsptest.Message) {
	switch {
	case m.Malformed != nil:
		c.violate("%v: %.200q", m.Malformed, m.Body)
	case m.Method == "textDocument/publishDiagnostics":
		c.published(m.Params)
	case m.IsResponse():
		c.answer(m)
	}
}

func (c *stressConn) published(params json.RawMessage) {
	var p struct {
		URI         string          `json:"uri"`
		Version     *int32          `json:"version"`
		Diagnostics json.RawMessage `json:"diagnostics"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		c.violate("malformed publishDiagnostics: %v", err)
		return
	}
	canon, n, err := canonicalDiagnostics(p.Diagnostics)
	if err != nil {
		c.violate("malformed diagnostics for %s: %v", p.URI, err)
	}
	if prev, ok := c.last[p.URI]; ok && prev.version != nil && p.Version != nil && *p.Version < *prev.version {
		c.violate("%s: version %d published after version %d", p.URI, *p.Version, *prev.version)
	}
	c.last[p.URI] = stressPub{version: p.Version, diags: canon, count: n}
	c.lastPubAt = time.Now()
	c.publishes++
}

func (c *stressConn) answer(m lsptest.Message) {
	id, err := strconv.Atoi(string(m.ID))
	if _, ok := c.pending[id]; err != nil || !ok {
		if string(m.ID) != "null" { // null ids answer unparsable input (abuse tests)
			c.violate("response to an unknown request id %s", m.ID)
		}
		return
	}
	delete(c.pending, id)
	c.answered++
	if m.Error != nil && m.Error.Code == -32800 {
		c.cancelled++
	}
	if c.keepReply[id] {
		c.replies[id] = m.Body
		delete(c.keepReply, id)
	}
}

// canonicalDiagnostics sorts a diagnostics array, each element re-marshalled
// with sorted keys, so that two publishes compare as sets.
func canonicalDiagnostics(raw json.RawMessage) (string, int, error) {
	var ds []map[string]any
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &ds); err != nil {
			return "", 0, err
		}
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		b, _ := json.Marshal(d)
		out[i] = string(b)
	}
	slices.Sort(out)
	return strings.Join(out, "\n"), len(ds), nil
}

func (c *stressConn) writeRaw(b []byte) error { return c.conn.WriteRaw(b) }

func (c *stressConn) notify(method string, params any) error { return c.conn.Notify(method, params) }

// request sends a request without waiting; keep keeps its response for
// reply.
func (c *stressConn) request(method string, params any, keep bool) (int, error) {
	id := c.expect(method, keep)
	return id, c.conn.SendRequest(id, method, params)
}

// reserve allocates a request id for a frame written by hand, so that its
// response is expected.
func (c *stressConn) reserve(method string) int { return c.expect(method, false) }

// expect allocates a request id and enters it in the ledger before the
// request is sent, so that its response is never unknown.
func (c *stressConn) expect(method string, keep bool) int {
	id := c.conn.NextID()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending[id] = method
	if keep {
		c.keepReply[id] = true
	}
	return id
}

// call sends a request and returns its whole response message.
func (c *stressConn) call(method string, params any, timeout time.Duration) (json.RawMessage, error) {
	id, err := c.request(method, params, true)
	if err != nil {
		return nil, err
	}
	return c.reply(id, timeout)
}

func (c *stressConn) reply(id int, timeout time.Duration) (json.RawMessage, error) {
	ok := c.conn.WaitUntil(timeout, func() bool { _, done := c.replies[id]; return done })
	c.mu.Lock()
	defer c.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%s: no response to request %d (%s) within %s (read error: %v)", c.name, id, c.pending[id], timeout, c.conn.Err())
	}
	r := c.replies[id]
	delete(c.replies, id)
	return r, nil
}

func (c *stressConn) cancel(id int) error {
	return c.notify("$/cancelRequest", map[string]any{"id": id})
}

// inFlight is how many requests are not answered yet.
func (c *stressConn) inFlight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

func (c *stressConn) initialize(t testing.TB, rootDir string) {
	t.Helper()
	caps := map[string]any{
		"textDocument": map[string]any{
			"publishDiagnostics": map[string]any{"versionSupport": true, "relatedInformation": true},
			"completion":         map[string]any{"completionItem": map[string]any{"snippetSupport": true}},
			"hover":              map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
			"codeAction":         map[string]any{"codeActionLiteralSupport": map[string]any{"codeActionKind": map[string]any{"valueSet": []string{"quickfix", "source"}}}},
			"semanticTokens": map[string]any{
				"requests":       map[string]any{"full": map[string]any{"delta": true}},
				"tokenTypes":     []string{"keyword", "comment", "parameter", "property", "namespace", "class", "macro", "string", "variable", "operator"},
				"tokenModifiers": []string{"declaration", "definition", "deprecated"},
				"formats":        []string{"relative"},
			},
			"documentSymbol": map[string]any{"hierarchicalDocumentSymbolSupport": true},
		},
		"workspace": map[string]any{"configuration": true, "workspaceFolders": true},
	}
	root := "file://" + filepath.ToSlash(rootDir)
	res, err := c.call("initialize", map[string]any{
		"processId": nil, "rootUri": root, "capabilities": caps,
		"workspaceFolders": []any{map[string]any{"uri": root, "name": "stress"}},
	}, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(res, []byte(`"error"`)) && !bytes.Contains(res, []byte(`"result"`)) {
		t.Fatalf("initialize failed: %s", res)
	}
	if err := c.notify("initialized", map[string]any{}); err != nil {
		t.Fatal(err)
	}
}

// quiesce waits until every document in want has a publish of its version
// and nothing was published for quiet.
func (c *stressConn) quiesce(want map[string]int32, quiet, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		ready := time.Since(c.lastPubAt) >= quiet
		for u, v := range want {
			if p, ok := c.last[u]; !ok || p.version == nil || *p.version != v {
				ready = false
				break
			}
		}
		readErr := c.conn.Err()
		c.mu.Unlock()
		if ready {
			return true
		}
		if readErr != nil {
			return false
		}
		time.Sleep(quiet / 5)
	}
	return false
}

// watchdog calls onStall once if requests are pending and the server has
// sent nothing for stall: a deadlocked server then fails the test with a
// stack dump instead of hanging it until go test's timeout.
func (c *stressConn) watchdog(stall time.Duration, onStall func()) (stop func()) {
	done := make(chan struct{})
	start := time.Now()
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				c.mu.Lock()
				heard := c.conn.LastReceived()
				if heard.Before(start) {
					heard = start
				}
				stalled := len(c.pending) > 0 && time.Since(heard) > stall
				c.mu.Unlock()
				if stalled {
					onStall()
					return
				}
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}

// stallTimeout is how long a server may stay silent with requests pending.
const stallTimeout = 45 * time.Second

// ---- servers under test ------------------------------------------------

// inProcess is server.Run on pipes; done is closed when Run returns.
type inProcess struct {
	conn   *stressConn
	in     *io.PipeWriter
	cancel context.CancelFunc
	done   chan int
	logs   *bytes.Buffer
}

func startInProcess(name string, logs io.Writer) *inProcess {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	p := &inProcess{in: inW, cancel: cancel, done: make(chan int, 1)}
	go func() {
		code := Run(ctx, inR, outW, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
		_ = inR.Close()
		_ = outW.Close()
		p.done <- code
	}()
	p.conn = newStressConn(name, outR, inW)
	return p
}

// stop sends shutdown and exit and waits for Run to return.
func (p *inProcess) stop(t testing.TB) {
	t.Helper()
	if _, err := p.conn.call("shutdown", nil, 30*time.Second); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	_ = p.conn.notify("exit", nil)
	select {
	case code := <-p.done:
		if code != 0 {
			t.Errorf("Run returned %d after shutdown and exit, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("Run did not return after exit")
		p.cancel()
		<-p.done
	}
	_ = p.in.Close()
}

// binaryServer is the real binary.
type binaryServer struct {
	conn   *stressConn
	proc   *lspproc.Process
	stderr *lsptest.Tail
}

func startBinary(t testing.TB, name string, wrap ...string) *binaryServer {
	t.Helper()
	args := append(append([]string{}, wrap...), lsptest.Binary(t), "--stdio")
	b := &binaryServer{stderr: &lsptest.Tail{Max: 1 << 20}}
	proc, err := lspproc.Start(args, "", b.stderr)
	if err != nil {
		t.Fatal(err)
	}
	b.proc = proc
	b.conn = newStressConn(name, proc.Stdout, proc.Stdin)
	t.Cleanup(func() { proc.Close(10 * time.Second) })
	return b
}

func (b *binaryServer) alive() bool {
	select {
	case <-b.proc.Exited():
		return false
	default:
		return true
	}
}

func (b *binaryServer) stop(t testing.TB) int {
	t.Helper()
	if _, err := b.conn.call("shutdown", nil, 30*time.Second); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	_ = b.conn.notify("exit", nil)
	code, ok := b.proc.WaitExit(30 * time.Second)
	if !ok {
		t.Errorf("the server did not exit after exit")
		return b.proc.Close(0)
	}
	return code
}

// procMemory reads VmRSS and VmHWM (KiB) of a server process.
func procMemory(pid int) (rss, hwm int64) { return lsptest.Memory(pid) }

// ---- the workload --------------------------------------------------------

type stressDoc struct {
	uri     string
	text    []byte
	version int32
}

// stressWorkspace writes the documents' folders: file documents in ten
// project folders with a small build context each, and some untitled ones.
func stressWorkspace(t testing.TB, rng *rand.Rand, n int) (string, []*stressDoc) {
	dir := t.TempDir()
	var docs []*stressDoc
	for i := 0; i < n; i++ {
		var uri string
		if i%10 == 9 {
			uri = fmt.Sprintf("untitled:Untitled-%d", i)
		} else {
			proj := filepath.Join(dir, fmt.Sprintf("proj%d", i%10))
			if err := os.MkdirAll(filepath.Join(proj, "src"), 0o755); err != nil {
				t.Fatal(err)
			}
			for f, body := range map[string]string{
				".dockerignore": "*.log\nnode_modules\n", "requirements.txt": "flask\n",
				"package.json": "{}\n", "src/main.py": "print(1)\n", "app.log": "x\n",
			} {
				if err := os.WriteFile(filepath.Join(proj, f), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			name := fmt.Sprintf("%d.Dockerfile", i)
			if i < 10 {
				name = "Dockerfile"
			}
			uri = "file://" + filepath.ToSlash(filepath.Join(proj, name))
		}
		lines := 10 + rng.IntN(150)
		docs = append(docs, &stressDoc{uri: uri, text: []byte(testgen.Dockerfile(lines, 1+lines/40)), version: 1})
	}
	return dir, docs
}

var validLines = []string{
	"RUN apt-get update && apt-get install -y curl\n",
	"RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
	"COPY . /app\n", "COPY requirements.txt /app/\n", "COPY --from=stage0 /app /app\n",
	"ENV A=b C=\"d e\"\n", "ARG VERSION=1.0\n", "ARG UNSET\n", "FROM alpine:3.19 AS extra\n",
	"FROM scratch\n", "WORKDIR /srv/${VERSION}\n", "USER nobody\n", "EXPOSE 80/tcp 443\n",
	"HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\n", "LABEL a=b\n",
	"CMD [\"python\", \"app.py\"]\n", "ENTRYPOINT [\"/entry\"]\n", "SHELL [\"/bin/bash\", \"-c\"]\n",
	"ONBUILD RUN make\n", "VOLUME /data\n", "STOPSIGNAL SIGTERM\n", "ADD https://127.0.0.1:9/x.tar.gz /opt/\n",
	"RUN <<EOF\napt-get update\napt-get install -y git\nEOF\n", "RUN echo $HOME && ls ${APP_HOME}\n",
	"# a comment with ünïcödé and 😀\n", "RUN echo 'héllo wörld 你好 😀' > /tmp/x\n",
	"\n", "RUN npm ci && npm cache clean --force\n", "COPY --chown=app:app --chmod=755 src/ /app/src/\n",
}

var invalidLines = []string{
	"RUN <<EOF\n", "FROM\n", "COPY --bogus=1 a b\n", "\\\n", "ADD\n", "FRM alpine\n", "RUN echo \"unterminated\n",
	"ARG ${X\n", "# syntax=example/frontend\n", "# escape=`\n", "ENV\n", "EXPOSE abc/xyz\n", "HEALTHCHECK\n",
	"COPY --from= a b\n", "WORKDIR\n", "ONBUILD ONBUILD RUN x\n", "FROM alpine AS\n", "USER\n", "RUN [\"unclosed\n",
	"CMD [\"a\",]\n", "RUN \\\n\\\n\\\n", "ENV ${\n", "LABEL =\n", "MAINTAINER me\n", "copy . .\n", "\t\t   \n",
	"RUN --mount=type=bogus echo\n", "ADD --checksum=sha256:zz https://127.0.0.1:9/a /\n", "FROM --platform=$BUILDPLATFORM\n",
	"\r\n", "RUN echo a\r\nRUN echo b\r\n", "\x00\n",
}

// randomText is short random text: ASCII, accents, CJK, emoji (surrogate
// pairs in UTF-16), tabs and line breaks ("\n" or "\r\n", never a lone
// "\r", which the server does not treat as a line break).
func randomText(rng *rand.Rand) string {
	pieces := []string{"a", "Z", "9", " ", "\t", "\n", "\r\n", "$", "{", "}", "\\", "\"", "'", "[", "]", "=", "-", "--", "é", "你", "😀", "\u0301", "#", "<<", "&&", "|"}
	var b strings.Builder
	for n := rng.IntN(12); n >= 0; n-- {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// snap moves off to a boundary the protocol can address: not inside a
// UTF-8 sequence and not between "\r" and "\n".
func snap(text []byte, off int) int {
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off--
	}
	if off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n' {
		off--
	}
	return off
}

// utf16Pos converts a byte offset to an LSP position in UTF-16 code units.
func utf16Pos(text []byte, off int) map[string]any {
	line, start := 0, 0
	for i := 0; i < off; i++ {
		if text[i] == '\n' {
			line++
			start = i + 1
		}
	}
	col := 0
	for _, r := range string(text[start:off]) {
		col += len(utf16.Encode([]rune{r}))
	}
	return map[string]any{"line": line, "character": col}
}

func lineStartOffsets(text []byte) []int {
	out := []int{0}
	for i, c := range text {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// randomEdit picks an edit of d's text: a byte range and its replacement.
func randomEdit(rng *rand.Rand, d *stressDoc) (start, end int, text string) {
	starts := lineStartOffsets(d.text)
	atLine := starts[rng.IntN(len(starts))]
	anywhere := snap(d.text, rng.IntN(len(d.text)+1))
	switch k := rng.IntN(100); {
	case k < 30:
		return atLine, atLine, validLines[rng.IntN(len(validLines))]
	case k < 45:
		return atLine, atLine, invalidLines[rng.IntN(len(invalidLines))]
	case k < 65:
		return anywhere, anywhere, randomText(rng)
	case k < 85:
		end := snap(d.text, min(len(d.text), anywhere+rng.IntN(80)))
		return anywhere, max(anywhere, end), ""
	default:
		end := snap(d.text, min(len(d.text), anywhere+rng.IntN(20)))
		return anywhere, max(anywhere, end), randomText(rng)
	}
}

// stressMethods are the requests interleaved with the edits: every
// feature the server has and some it has not; unknown methods must still
// be answered.
var stressMethods = []string{
	"textDocument/completion", "textDocument/hover", "textDocument/codeAction", "textDocument/semanticTokens/full",
	"textDocument/semanticTokens/full/delta", "textDocument/documentSymbol", "textDocument/foldingRange",
	"textDocument/documentHighlight", "textDocument/definition", "textDocument/references", "textDocument/signatureHelp",
	"textDocument/formatting", "textDocument/rangeFormatting", "textDocument/documentLink", "textDocument/inlayHint",
	"textDocument/codeLens", "textDocument/prepareRename", "textDocument/rename", "textDocument/diagnostic",
	"textDocument/selectionRange", "textDocument/linkedEditingRange", "dockerfile/noSuchMethod",
}

func stressParams(rng *rand.Rand, method string, d *stressDoc) any {
	off := snap(d.text, rng.IntN(len(d.text)+1))
	pos := utf16Pos(d.text, off)
	end := utf16Pos(d.text, snap(d.text, min(len(d.text), off+rng.IntN(200))))
	td := map[string]any{"uri": d.uri}
	rng2 := map[string]any{"start": pos, "end": end}
	switch method {
	case "textDocument/codeAction":
		return map[string]any{"textDocument": td, "range": rng2, "context": map[string]any{"diagnostics": []any{}}}
	case "textDocument/semanticTokens/full", "textDocument/documentSymbol", "textDocument/foldingRange",
		"textDocument/documentLink", "textDocument/codeLens", "textDocument/diagnostic":
		return map[string]any{"textDocument": td}
	case "textDocument/semanticTokens/full/delta":
		return map[string]any{"textDocument": td, "previousResultId": strconv.Itoa(rng.IntN(5))}
	case "textDocument/formatting":
		return map[string]any{"textDocument": td, "options": map[string]any{"tabSize": 4, "insertSpaces": true}}
	case "textDocument/rangeFormatting":
		return map[string]any{"textDocument": td, "range": rng2, "options": map[string]any{"tabSize": 4, "insertSpaces": true}}
	case "textDocument/inlayHint":
		return map[string]any{"textDocument": td, "range": rng2}
	case "textDocument/references":
		return map[string]any{"textDocument": td, "position": pos, "context": map[string]any{"includeDeclaration": true}}
	case "textDocument/rename":
		return map[string]any{"textDocument": td, "position": pos, "newName": "renamed"}
	case "textDocument/selectionRange":
		return map[string]any{"textDocument": td, "positions": []any{pos}}
	}
	return map[string]any{"textDocument": td, "position": pos}
}

// soakStats counts what the workload did.
type soakStats struct{ edits, requests, cancels, reopens, fullReplaces int }

// soak runs the random workload against c for d.
func soak(t testing.TB, c *stressConn, rng *rand.Rand, docs []*stressDoc, d time.Duration) soakStats {
	t.Helper()
	var st soakStats
	for _, doc := range docs {
		if err := c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": doc.uri, "languageId": "dockerfile", "version": doc.version, "text": string(doc.text)}}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(d)
	for op := 0; time.Now().Before(deadline); op++ {
		doc := docs[rng.IntN(len(docs))]
		switch k := rng.IntN(100); {
		case k < 60: // one didChange, sometimes with several changes
			doc.version++
			var changes []any
			for n := 1 + rng.IntN(3)*rng.IntN(2); n > 0; n-- {
				if rng.IntN(100) == 0 || len(doc.text) > 64<<10 {
					lines := 5 + rng.IntN(200)
					doc.text = []byte(testgen.Dockerfile(lines, 1+lines/40))
					changes = append(changes, map[string]any{"text": string(doc.text)})
					st.fullReplaces++
					continue
				}
				start, end, text := randomEdit(rng, doc)
				changes = append(changes, map[string]any{
					"range": map[string]any{"start": utf16Pos(doc.text, start), "end": utf16Pos(doc.text, end)},
					"text":  text,
				})
				doc.text = slices.Concat(doc.text[:start:start], []byte(text), doc.text[end:])
			}
			if err := c.notify("textDocument/didChange", map[string]any{
				"textDocument": map[string]any{"uri": doc.uri, "version": doc.version}, "contentChanges": changes}); err != nil {
				t.Fatal(err)
			}
			st.edits++
		case k < 90: // a request, a quarter of them cancelled
			for c.inFlight() > 200 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			method := stressMethods[rng.IntN(len(stressMethods))]
			id, err := c.request(method, stressParams(rng, method, doc), false)
			if err != nil {
				t.Fatal(err)
			}
			st.requests++
			if rng.IntN(4) == 0 {
				if rng.IntN(2) == 0 {
					time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
				}
				if err := c.cancel(id); err != nil {
					t.Fatal(err)
				}
				st.cancels++
			}
		case k < 91: // close and reopen
			if err := c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": doc.uri}}); err != nil {
				t.Fatal(err)
			}
			doc.version++
			if err := c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
				"uri": doc.uri, "languageId": "dockerfile", "version": doc.version, "text": string(doc.text)}}); err != nil {
				t.Fatal(err)
			}
			st.reopens++
		case k < 93: // a cancel for a request that is long gone or never was
			_ = c.cancel(rng.IntN(1000000))
		default: // let the analyses catch up a little
			time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		}
	}
	return st
}

// finalVersions is what each document's last publish must carry.
func finalVersions(docs []*stressDoc) map[string]int32 {
	want := map[string]int32{}
	for _, d := range docs {
		want[d.uri] = d.version
	}
	return want
}

// checkSettled waits for every request to be answered and every document
// to settle, then compares each document's last publish with a fresh
// server's analysis of its final text (retrying while the soaked server
// may still be finishing a background pass).
func checkSettled(t *testing.T, c *stressConn, docs []*stressDoc, fresh func() *stressConn, stopFresh func()) {
	t.Helper()
	if !c.conn.WaitUntil(2*time.Minute, func() bool { return len(c.pending) == 0 }) {
		c.mu.Lock()
		var missing []string
		for id, m := range c.pending {
			missing = append(missing, fmt.Sprintf("%d %s", id, m))
			if len(missing) == 10 {
				break
			}
		}
		c.mu.Unlock()
		t.Fatalf("%d requests never answered, e.g. %v", c.inFlight(), missing)
	}
	want := finalVersions(docs)
	if !c.quiesce(want, 2*time.Second, 3*time.Minute) {
		c.mu.Lock()
		var behind []string
		for u, v := range want {
			if p, ok := c.last[u]; !ok || p.version == nil || *p.version != v {
				got := "none"
				if ok && p.version != nil {
					got = strconv.Itoa(int(*p.version))
				}
				behind = append(behind, fmt.Sprintf("%s: want version %d, last published %s", u, v, got))
			}
		}
		c.mu.Unlock()
		t.Fatalf("documents did not settle on their final versions: %v", behind)
	}

	f := fresh()
	defer stopFresh()
	ones := map[string]int32{}
	for _, d := range docs {
		ones[d.uri] = 1
		if err := f.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": d.uri, "languageId": "dockerfile", "version": 1, "text": string(d.text)}}); err != nil {
			t.Fatal(err)
		}
	}
	if !f.quiesce(ones, 2*time.Second, 3*time.Minute) {
		t.Fatal("the fresh server did not publish every document")
	}
	var diffs []string
	for attempt := 0; attempt < 5; attempt++ {
		diffs = diffs[:0]
		c.mu.Lock()
		f.mu.Lock()
		for _, d := range docs {
			got, exp := c.last[d.uri], f.last[d.uri]
			if got.diags != exp.diags {
				diffs = append(diffs, fmt.Sprintf("%s (version %d, %d bytes): %d diagnostics published, %d from a fresh analysis\n%s  text: %q",
					d.uri, d.version, len(d.text), got.count, exp.count, diffLines(got.diags, exp.diags), d.text))
			}
		}
		f.mu.Unlock()
		c.mu.Unlock()
		if len(diffs) == 0 {
			return
		}
		time.Sleep(2 * time.Second)
	}
	t.Errorf("%d of %d documents' last diagnostics differ from a fresh analysis of their final text; the first:\n%s",
		len(diffs), len(docs), strings.Join(diffs[:min(3, len(diffs))], "\n"))
}

// diffLines lists the lines only in a ("-", the soaked server) or only in
// b ("+", the fresh server).
func diffLines(a, b string) string {
	var out strings.Builder
	as, bs := strings.Split(a, "\n"), strings.Split(b, "\n")
	for _, l := range as {
		if !slices.Contains(bs, l) {
			fmt.Fprintf(&out, "  - %s\n", l)
		}
	}
	for _, l := range bs {
		if !slices.Contains(as, l) {
			fmt.Fprintf(&out, "  + %s\n", l)
		}
	}
	return out.String()
}

func closeAll(t testing.TB, c *stressConn, docs []*stressDoc) {
	t.Helper()
	for _, d := range docs {
		if err := c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": d.uri}}); err != nil {
			t.Fatal(err)
		}
	}
	ok := c.conn.WaitUntil(time.Minute, func() bool {
		for _, d := range docs {
			if p := c.last[d.uri]; p.version != nil || p.count != 0 {
				return false
			}
		}
		return true
	})
	if !ok {
		t.Errorf("closing every document did not clear every document's diagnostics")
	}
}

var digits = regexp.MustCompile(`[0-9]+`)

// reportPanics fails the test for every handler or background panic the
// server logged (it recovers, but each one is a bug).
func reportPanics(t testing.TB, logs string) {
	t.Helper()
	var seen []string
	for _, line := range strings.Split(logs, "\n") {
		if i := strings.Index(line, "panicked"); i >= 0 {
			line = line[max(0, strings.LastIndex(line[:i], "msg=")):]
			if i := strings.Index(line, " stack="); i > 0 {
				line = line[:i]
			}
			line = digits.ReplaceAllString(line, "N") // one entry per kind, not per offset
			if !slices.Contains(seen, line) {
				seen = append(seen, line)
			}
		}
	}
	if len(seen) > 0 {
		t.Errorf("the server recovered from %d distinct panics, e.g.:\n%s", len(seen), strings.Join(seen[:min(5, len(seen))], "\n"))
	}
}

func reportViolations(t testing.TB, c *stressConn) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.violations) > 0 {
		t.Errorf("%s: %d protocol violations, the first: %v", c.name, len(c.violations), c.violations[:min(5, len(c.violations))])
	}
}

func goroutineDump() string {
	var b bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}

// settledGoroutines waits up to timeout for the goroutine count to drop to
// at most limit and returns the last count.
func settledGoroutines(limit int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for {
		runtime.GC()
		n := runtime.NumGoroutine()
		if n <= limit || time.Now().After(deadline) {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestStress soaks server.Run in-process, so that goroutines and the heap
// can be counted.
func TestStress(t *testing.T) {
	dur, ndocs, seed := stressSettings(t)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	dir, docs := stressWorkspace(t, rng, ndocs)

	g0 := settledGoroutines(0, 0)
	logs := &lsptest.Tail{Max: 1 << 20}
	srv := startInProcess("soaked", logs)
	c := srv.conn
	stopWatchdog := c.watchdog(stallTimeout, func() {
		t.Errorf("the server stopped answering: %d requests pending, nothing received for %s; goroutines:\n%s", c.inFlight(), stallTimeout, goroutineDump())
		_ = srv.in.CloseWithError(errors.New("server stalled"))
	})
	defer stopWatchdog()
	c.initialize(t, dir)

	// Warm up once (BuildKit's and the build context's one-time state),
	// then take the baseline with no document open.
	warm := &stressDoc{uri: "untitled:warm-up", text: []byte(testgen.Dockerfile(60, 3)), version: 1}
	if err := c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": warm.uri, "languageId": "dockerfile", "version": 1, "text": string(warm.text)}}); err != nil {
		t.Fatal(err)
	}
	c.quiesce(map[string]int32{warm.uri: 1}, time.Second, time.Minute)
	closeAll(t, c, []*stressDoc{warm})
	g1 := settledGoroutines(0, 0)
	h1 := heapAlloc()

	start := time.Now()
	st := soak(t, c, rng, docs, dur)
	t.Logf("soak: %s, %d documents: %d didChange (%d whole-document), %d requests (%d cancelled), %d close/reopen",
		time.Since(start).Round(time.Millisecond), len(docs), st.edits, st.fullReplaces, st.requests, st.cancels, st.reopens)

	var fresh *inProcess
	checkSettled(t, c, docs, func() *stressConn {
		fresh = startInProcess("fresh", io.Discard)
		fresh.conn.initialize(t, dir)
		return fresh.conn
	}, func() { fresh.stop(t) })
	c.mu.Lock()
	t.Logf("answered %d requests (%d as cancelled); %d publishes", c.answered, c.cancelled, c.publishes)
	c.mu.Unlock()

	closeAll(t, c, docs)
	// Every document's worker and background pass must end.
	if g := settledGoroutines(g1, 15*time.Second); g > g1 {
		t.Errorf("goroutine leak: %d goroutines with every document closed, %d before opening them\n%s", g, g1, goroutineDump())
	}
	h2 := heapAlloc()
	t.Logf("heap: %.1f MiB before opening the documents, %.1f MiB after closing them", float64(h1)/(1<<20), float64(h2)/(1<<20))
	if h2 > h1+h1/2+8<<20 {
		t.Errorf("heap not back near its start: %.1f MiB after closing every document, %.1f MiB before", float64(h2)/(1<<20), float64(h1)/(1<<20))
	}
	reportViolations(t, c)
	reportPanics(t, logs.String())

	srv.stop(t)
	stopWatchdog()
	if g := settledGoroutines(g0, 15*time.Second); g > g0 {
		t.Errorf("goroutine leak after exit: %d goroutines, %d before Run\n%s", g, g0, goroutineDump())
	}
	if t.Failed() {
		t.Logf("server log (warn and above):\n%.20000s", logs.String())
	}
}

// TestStressBinary runs a quarter of the soak against the real binary: it
// must keep serving, answer everything, settle on the same diagnostics as
// a fresh process, and keep its memory bounded.
func TestStressBinary(t *testing.T) {
	skipBinarySoakInShort(t)
	dur, ndocs, seed := stressSettings(t)
	dur = max(dur/4, 3*time.Second)
	rng := rand.New(rand.NewPCG(seed+1, seed))
	dir, docs := stressWorkspace(t, rng, ndocs)

	srv := startBinary(t, "soaked binary")
	c := srv.conn
	defer c.watchdog(stallTimeout, func() {
		_ = srv.proc.Signal(syscall.SIGQUIT) // the Go runtime prints every goroutine
		time.Sleep(3 * time.Second)
		t.Errorf("the server stopped answering: %d requests pending, nothing received for %s; its stderr:\n%s", c.inFlight(), stallTimeout, srv.stderr.String())
		srv.proc.Kill()
	})()
	c.initialize(t, dir)
	rss0, _ := procMemory(srv.proc.Pid())
	st := soak(t, c, rng, docs, dur)
	t.Logf("soak: %s, %d documents: %d didChange, %d requests (%d cancelled)", dur, len(docs), st.edits, st.requests, st.cancels)

	var fresh *binaryServer
	checkSettled(t, c, docs, func() *stressConn {
		fresh = startBinary(t, "fresh binary")
		fresh.conn.initialize(t, dir)
		return fresh.conn
	}, func() { fresh.stop(t) })
	closeAll(t, c, docs)
	rss1, hwm := procMemory(srv.proc.Pid())
	t.Logf("binary RSS: %.1f MiB after initialize, %.1f MiB with every document closed; peak %.1f MiB", float64(rss0)/1024, float64(rss1)/1024, float64(hwm)/1024)
	if rss1 > 1<<20 { // KiB: 1 GiB
		t.Errorf("RSS %.0f MiB after closing every document", float64(rss1)/1024)
	}
	if !srv.alive() {
		t.Fatalf("the server exited during the soak; stderr:\n%s", srv.stderr.String())
	}
	reportViolations(t, c)
	reportPanics(t, srv.stderr.String())
	if code := srv.stop(t); code != 0 {
		t.Errorf("exit code %d after shutdown and exit", code)
	}
}
