package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// continuationLines is issue 18's file of 100,000 continuation lines in
// one RUN (about 500 KB), slow to parse and to edit.
func continuationLines() string {
	return "FROM alpine:3.19\nRUN echo \\\n" + strings.Repeat("  a \\\n", 100000) + "  b\n"
}

// TestReadLoopNotHeldByLargeDocument: while a document of 100,000
// continuation lines is opened, edited and analysed, a hover on another
// document is answered at once: parsing and edits run off the read loop
// (they took seconds on it, and every message waited).
func TestReadLoopNotHeldByLargeDocument(t *testing.T) {
	c := startSession(t)
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:small","languageId":"dockerfile","version":1,"text":"FROM alpine:3.19\nARG V=1\n"}}}`)
	c.waitPublish(t, 1, true)
	big, _ := json.Marshal(continuationLines())
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:big","languageId":"dockerfile","version":1,"text":` + string(big) + `}}}`)
	var worst time.Duration
	for i := range 3 {
		c.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:big","version":%d},"contentChanges":[{"range":{"start":{"line":5000,"character":2},"end":{"line":5000,"character":2}},"text":"x"}]}}`, i+2))
		start := time.Now()
		c.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:small"},"position":{"line":1,"character":5}}}`, 100+i))
		c.answer(t, 100+i)
		worst = max(worst, time.Since(start))
	}
	t.Logf("slowest hover on the small document: %v", worst)
	if worst > time.Second {
		t.Errorf("a hover waited %v behind the large document", worst)
	}
}

// TestCancelAnswersPromptly: a request still working when the client
// cancels it is answered RequestCancelled at once, not when its work ends
// (a cancelled code action was answered 17.9 s later).
func TestCancelAnswersPromptly(t *testing.T) {
	c := startSession(t)
	text, _ := json.Marshal(testgen.Dockerfile(18000, 18)) // about 1 MB: seconds of analysis
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:big","languageId":"dockerfile","version":1,"text":` + string(text) + `}}}`)
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:big","version":2},"contentChanges":[{"range":{"start":{"line":5000,"character":0},"end":{"line":5000,"character":0}},"text":"#"}]}}`)
	c.send(`{"jsonrpc":"2.0","id":7,"method":"textDocument/diagnostic","params":{"textDocument":{"uri":"untitled:big"}}}`)
	time.Sleep(20 * time.Millisecond) // the analysis is under way
	start := time.Now()
	c.send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}}`)
	m := c.answer(t, 7)
	took := time.Since(start)
	t.Logf("answered %v after the cancellation", took)
	if !strings.Contains(string(m["error"]), "-32800") {
		t.Errorf("answer %s, want RequestCancelled", m["error"])
	}
	if took > 500*time.Millisecond {
		t.Errorf("the cancellation was answered after %v", took)
	}
}
