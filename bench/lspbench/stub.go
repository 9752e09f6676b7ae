package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
)

// serveStub is the floor of the measurements: a server that does no work.
// It decodes each message, answers requests with null (initialize with
// incremental sync), and publishes no diagnostics at once for every
// version it is sent. What lspbench measures for it is the pipe, the
// framing, one JSON decode and encode, and lspbench's own reading: no
// server can answer faster through the same client.
func serveStub(in io.Reader, out io.Writer) error {
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	for {
		body, err := lspframe.Read(r)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("stub: reading: %w", err)
		}
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				TextDocument struct {
					URI     string `json:"uri"`
					Version int32  `json:"version"`
				} `json:"textDocument"`
			} `json:"params"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return fmt.Errorf("stub: decoding: %w", err)
		}
		for _, reply := range stubReplies(m.ID, m.Method, m.Params.TextDocument.URI, m.Params.TextDocument.Version) {
			b, _ := json.Marshal(reply)
			if err := lspframe.Write(w, b); err != nil {
				return fmt.Errorf("stub: writing: %w", err)
			}
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("stub: writing: %w", err)
		}
		if m.Method == "exit" {
			return nil
		}
	}
}

// stubReplies is what the stub sends for one message.
func stubReplies(id json.RawMessage, method, uri string, version int32) []any {
	switch {
	case method == "initialize":
		return []any{map[string]any{"jsonrpc": "2.0", "id": id, "result": map[string]any{
			"capabilities": map[string]any{"textDocumentSync": 2}}}}
	case len(id) > 0 && method != "":
		return []any{map[string]any{"jsonrpc": "2.0", "id": id, "result": nil}}
	case method == "textDocument/didOpen", method == "textDocument/didChange":
		return []any{map[string]any{"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": map[string]any{
			"uri": uri, "version": version, "diagnostics": []any{}}}}
	}
	return nil
}

// stubCommand is the command that runs this program as the stub server.
func stubCommand() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("the stub server runs lspbench itself: %w", err)
	}
	return self + " -serve-stub", nil
}
