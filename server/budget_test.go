package server

import (
	"encoding/json"
	"errors"
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
