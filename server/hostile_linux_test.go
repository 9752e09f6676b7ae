package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// TestDidOpenExpansionBomb: issue 18's 608 bytes, each ENV doubling the
// one before, only opened: both publishes arrive within 2 GiB of address
// space, the second (BuildKit's phase, which ran out of memory) with the
// ExpansionBudget finding, and the server answers a hover afterwards.
func TestDidOpenExpansionBomb(t *testing.T) {
	if !testgen.InBoundedChild(t, 2<<30) {
		return
	}
	var b strings.Builder
	b.WriteString("FROM alpine:3.19\nENV A0=xxxxxxxxxx\n")
	for n := 1; n <= 28; n++ {
		fmt.Fprintf(&b, "ENV A%d=${A%d}${A%d}\n", n, n-1, n-1)
	}
	b.WriteString("RUN echo $A28\n")
	c := startPipeServer(t)
	c.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`)
	c.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	text, _ := json.Marshal(b.String())
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///bomb/Dockerfile","languageId":"dockerfile","version":1,"text":` + string(text) + `}}}`)
	if params := c.waitPublish(t, 1, true); !strings.Contains(string(params), `"code":"ExpansionBudget"`) {
		t.Errorf("no ExpansionBudget finding: %s", params)
	}
	c.send(`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///bomb/Dockerfile"},"position":{"line":30,"character":12}}}`)
	for m := range c.out {
		if string(m["id"]) == "2" {
			if len(m["result"])+len(m["error"]) > 64<<10 {
				t.Errorf("hover answered %d bytes", len(m["result"])+len(m["error"]))
			}
			return
		}
	}
	t.Fatal("server closed")
}
