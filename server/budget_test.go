package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// TestCodecRefusesOversizedMessages: every message the server writes goes
// through protocolCodec, which refuses one over budget.MaxResponse (a pull
// answer was 238 MB).
func TestCodecRefusesOversizedMessages(t *testing.T) {
	if _, err := (protocolCodec{}).Marshal(strings.Repeat("x", budget.MaxResponse)); !errors.Is(err, errTooLarge) {
		t.Errorf("a %d MiB message: err %v, want errTooLarge", budget.MaxResponse>>20, err)
	}
	if b, err := (protocolCodec{}).Marshal(map[string]string{"a": "b"}); err != nil || string(b) != `{"a":"b"}` {
		t.Errorf("a small message: %s %v", b, err)
	}
}

// TestOversizedDocumentOneDiagnostic: a document over
// budget.MaxAnalysedDocument is published with one diagnostic saying it is
// not analysed (a 10 MB one published 408,000).
func TestOversizedDocumentOneDiagnostic(t *testing.T) {
	c := startSession(t)
	text, _ := json.Marshal("FROM debian:12\n" + strings.Repeat("RUN apt-get update\n", budget.MaxAnalysedDocument/19+1))
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:Dockerfile","languageId":"dockerfile","version":1,"text":` + string(text) + `}}}`)
	var p struct {
		Diagnostics []struct{ Code string }
	}
	if err := json.Unmarshal(c.waitPublish(t, 1, false), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != "AnalysisBudget" {
		t.Errorf("%d diagnostics, want one AnalysisBudget", len(p.Diagnostics))
	}
}

// TestTooLargeToParse: a document over budget.MaxDockerfile is kept as
// text, not parsed (25 MB took 40 s and 1.4 GB), and published with one
// diagnostic; edits still apply to it, and once it is small enough again
// it is parsed and analysed.
func TestTooLargeToParse(t *testing.T) {
	c := startSession(t)
	lines := budget.MaxDockerfile/19 + 1
	text, _ := json.Marshal("FROM debian:12\n" + strings.Repeat("RUN apt-get update\n", lines))
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:Dockerfile","languageId":"dockerfile","version":1,"text":` + string(text) + `}}}`)
	if p := c.waitPublish(t, 1, false); strings.Count(string(p), `"code":`) != 1 || !strings.Contains(string(p), "neither parsed nor analysed") {
		t.Fatalf("publish %.300s, want the one AnalysisBudget diagnostic", p)
	}
	// Typing on its last line, then deleting all but three lines.
	c.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:Dockerfile","version":2},"contentChanges":[{"range":{"start":{"line":%d,"character":0},"end":{"line":%d,"character":0}},"text":"# x\n"}]}}`, lines, lines))
	c.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:Dockerfile","version":3},"contentChanges":[{"range":{"start":{"line":2,"character":0},"end":{"line":%d,"character":0}},"text":""}]}}`, lines))
	var p struct{ Diagnostics []struct{ Code string } }
	if err := json.Unmarshal(c.waitPublish(t, 3, false), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Diagnostics) == 0 || slices.ContainsFunc(p.Diagnostics, func(d struct{ Code string }) bool { return d.Code == "AnalysisBudget" }) {
		t.Errorf("after the cut: %+v, want the analysis of FROM, RUN and the comment", p.Diagnostics)
	}
	c.send(`{"jsonrpc":"2.0","id":9,"method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":"untitled:Dockerfile"}}}`)
	if m := c.answer(t, 9); !strings.Contains(string(m["result"]), `"data":[`) || strings.Contains(string(m["result"]), `"data":[]`) {
		t.Errorf("semantic tokens of the cut text: %s", m["result"])
	}
}
