package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// pipeClient talks to an in-process server over pipes, framing by hand.
type pipeClient struct {
	w   io.Writer
	r   *bufio.Reader
	out chan map[string]json.RawMessage
}

func startPipeServer(b testing.TB) *pipeClient {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	go Run(context.Background(), inR, outW, slog.New(slog.DiscardHandler))
	c := &pipeClient{w: inW, r: bufio.NewReader(outR), out: make(chan map[string]json.RawMessage, 1024)}
	go c.read()
	b.Cleanup(func() { inW.Close() })
	return c
}

func (c *pipeClient) read() {
	for {
		n := 0
		for {
			line, err := c.r.ReadString('\n')
			if err != nil {
				close(c.out)
				return
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				n, _ = strconv.Atoi(strings.TrimSpace(v))
			}
			if line == "\r\n" {
				break
			}
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(c.r, body); err != nil {
			close(c.out)
			return
		}
		var m map[string]json.RawMessage
		_ = json.Unmarshal(body, &m)
		c.out <- m
	}
}

func (c *pipeClient) send(msg string) {
	fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(msg), msg)
}

// waitPublish waits for the first publish of version, or with withBuildKit
// for the second: the one that carries BuildKit's findings for it; it
// returns its params.
func (c *pipeClient) waitPublish(b testing.TB, version int, withBuildKit bool) json.RawMessage {
	want := fmt.Sprintf(`"version":%d,`, version)
	need := 1
	if withBuildKit {
		need = 2
	}
	for m := range c.out {
		if string(m["method"]) == `"textDocument/publishDiagnostics"` && strings.Contains(string(m["params"]), want) {
			if need--; need == 0 {
				return m["params"]
			}
		}
	}
	b.Fatal("server closed")
	return nil
}

// benchmarkKeystroke types one character per iteration into a 2,000-line
// document (with a BuildKit finding in it so the full publish is
// recognisable) and waits for the publish of that version.
func benchmarkKeystroke(b *testing.B, withBuildKit bool) {
	text := testgen.Dockerfile(2000, 110) + "run echo lower-case keyword\n"
	c := startPipeServer(b)
	c.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`)
	c.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	doc, _ := json.Marshal(text)
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///b/Dockerfile","languageId":"dockerfile","version":1,"text":` + string(doc) + `}}}`)
	c.waitPublish(b, 1, true)
	line := strings.Count(text[:len(text)/2], "\n")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := i + 2
		c.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///b/Dockerfile","version":%d},"contentChanges":[{"range":{"start":{"line":%d,"character":0},"end":{"line":%d,"character":0}},"text":"#"}]}}`, v, line, line))
		c.waitPublish(b, v, withBuildKit)
	}
}

// BenchmarkKeystrokeFastPublish: didChange to the first publish of that
// version (parse errors and our rules, BuildKit's findings carried forward).
func BenchmarkKeystrokeFastPublish(b *testing.B) { benchmarkKeystroke(b, false) }

// BenchmarkKeystrokeFullPublish: didChange to the publish that includes
// BuildKit's checks for that version.
func BenchmarkKeystrokeFullPublish(b *testing.B) { benchmarkKeystroke(b, true) }

// answer waits for the answer to request id, skipping other messages.
func (c *pipeClient) answer(t testing.TB, id int) map[string]json.RawMessage {
	t.Helper()
	want := strconv.Itoa(id)
	for m := range c.out {
		if string(m["id"]) == want && m["method"] == nil {
			return m
		}
	}
	t.Fatal("server closed")
	return nil
}
