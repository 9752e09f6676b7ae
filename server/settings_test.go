package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/config"
)

func TestParseSettingsShapes(t *testing.T) {
	for _, raw := range []string{"", "null", " null\n", "{}", "[]", `{"dockerfile-ls":null}`, `{"dockerfile-ls":{}}`, `{"yaml":{"x":1}}`} {
		st, err := parseSettings([]byte(raw))
		if err != nil || !reflect.DeepEqual(st, config.Settings{}) {
			t.Errorf("%q: %+v, %v; want no settings and no error", raw, st, err)
		}
	}
	for _, raw := range []string{`"off"`, `[1]`, `{"rules":3}`, `{"dockerfile-ls":{"target":[]}}`} {
		if _, err := parseSettings([]byte(raw)); err == nil {
			t.Errorf("%q: no error", raw)
		}
	}
	// Neovim (an empty Lua table) and Eglot (an empty vector) send [] for
	// an empty object: the other settings must survive it.
	for _, raw := range []string{`{"rules":[],"categories":[],"buildArgs":[],"target":"app"}`, `{"dockerfile-ls":{"rules":[ ],"target":"app"}}`} {
		if st, err := parseSettings([]byte(raw)); err != nil || st.Target != "app" {
			t.Errorf("%q: target %q, %v; want app", raw, st.Target, err)
		}
	}
	for _, raw := range []string{`{"sizes":"codeLens"}`, `{"dockerfile-ls":{"sizes":{"display":"codeLens"}}}`} {
		if st, err := parseSettings([]byte(raw)); err != nil || st.Sizes != "codeLens" {
			t.Errorf("%q: sizes %q, %v", raw, st.Sizes, err)
		}
	}
}

// TestSettingsMergeOrder: defaults < initializationOptions < push <
// answer, field by field and rule by rule; each source replaces only what
// it said before.
func TestSettingsMergeOrder(t *testing.T) {
	no := false
	type step struct {
		src settingsSource
		st  config.Settings
	}
	for _, tc := range []struct {
		name  string
		steps []step
		want  config.Settings
	}{
		{"an empty answer keeps initializationOptions", []step{
			{fromInitOptions, config.Settings{Rules: map[string]string{"A": "off"}, Target: "build"}},
			{fromPush, config.Settings{}},
			{fromAnswer, config.Settings{}},
		}, config.Settings{Rules: map[string]string{"A": "off"}, Target: "build"}},
		{"the answer layers over initializationOptions rule by rule", []step{
			{fromInitOptions, config.Settings{Rules: map[string]string{"A": "off", "B": "info"}, Sizes: "codeLens"}},
			{fromAnswer, config.Settings{Rules: map[string]string{"B": "error"}, Target: "prod", FormatMultiline: &no}},
		}, config.Settings{Rules: map[string]string{"A": "off", "B": "error"}, Sizes: "codeLens", Target: "prod", FormatMultiline: &no}},
		{"a later answer replaces the earlier one", []step{
			{fromInitOptions, config.Settings{Rules: map[string]string{"A": "off"}}},
			{fromAnswer, config.Settings{Rules: map[string]string{"B": "error"}, BuildArgs: map[string]string{"V": "1"}}},
			{fromAnswer, config.Settings{Rules: map[string]string{"C": "hint"}}},
		}, config.Settings{Rules: map[string]string{"A": "off", "C": "hint"}}},
		{"the answer wins over the push, which fills in the rest", []step{
			{fromInitOptions, config.Settings{Categories: map[string]bool{"size": false}}},
			{fromPush, config.Settings{BuildContext: "${workspaceFolder}/app", Rules: map[string]string{"A": "off", "B": "info"}}},
			{fromAnswer, config.Settings{BuildContext: "/w/app", Rules: map[string]string{"B": "error"}}},
		}, config.Settings{BuildContext: "/w/app", Categories: map[string]bool{"size": false}, Rules: map[string]string{"A": "off", "B": "error"}}},
		{"an answer equal to initializationOptions stands for them", []step{
			{fromInitOptions, config.Settings{Rules: map[string]string{"A": "off"}, Target: "build"}},
			{fromAnswer, config.Settings{Rules: map[string]string{"A": "off"}, Target: "build"}},
			{fromAnswer, config.Settings{Rules: map[string]string{"B": "info"}}},
		}, config.Settings{Rules: map[string]string{"B": "info"}}},
		{"only the first answer is compared", []step{
			{fromInitOptions, config.Settings{Rules: map[string]string{"A": "off"}}},
			{fromAnswer, config.Settings{}},
			{fromAnswer, config.Settings{Rules: map[string]string{"A": "off"}}},
			{fromAnswer, config.Settings{}},
		}, config.Settings{Rules: map[string]string{"A": "off"}}},
		{"a later push replaces the earlier one", []step{
			{fromInitOptions, config.Settings{Rules: map[string]string{"A": "off"}}},
			{fromPush, config.Settings{Rules: map[string]string{"B": "error"}}},
			{fromPush, config.Settings{}},
		}, config.Settings{Rules: map[string]string{"A": "off"}}},
	} {
		var e editorSources
		for _, s := range tc.steps {
			e.set(s.src, s.st)
		}
		if !reflect.DeepEqual(e.merged, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, e.merged, tc.want)
		}
	}
}

// TestSettingsPullTimesOut: a client that never answers gets one
// workspace/configuration request at a time, each cancelled after
// pullTimeout, and the server keeps answering meanwhile.
func TestSettingsPullTimesOut(t *testing.T) {
	defer func(d time.Duration) { pullTimeout = d }(pullTimeout)
	pullTimeout = 200 * time.Millisecond

	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan struct{})
	go func() {
		Run(context.Background(), inR, outW, slog.New(slog.DiscardHandler))
		close(done)
	}()
	c := &pipeClient{w: inW, r: bufio.NewReader(outR), out: make(chan map[string]json.RawMessage, 1024)}
	go c.read()
	defer func() {
		inW.Close()
		<-done
	}()

	c.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{"workspace":{"configuration":true}}}}`)
	c.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	for range 10 {
		c.send(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":null}}`)
	}
	c.send(`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a/Dockerfile"},"position":{"line":0,"character":0}}}`)

	var requests, cancels []time.Time
	hoverAnswered := false
	quiet := time.After(6 * pullTimeout)
	for collecting := true; collecting; {
		select {
		case m := <-c.out:
			switch {
			case string(m["method"]) == `"workspace/configuration"`:
				requests = append(requests, time.Now())
			case string(m["method"]) == `"$/cancelRequest"`:
				cancels = append(cancels, time.Now())
			case string(m["id"]) == "2":
				hoverAnswered = true
			}
		case <-quiet:
			collecting = false
		}
	}
	if len(requests) != 2 || len(cancels) != 2 {
		t.Fatalf("%d workspace/configuration requests and %d cancellations for 11 changes nobody answers, want 2 and 2", len(requests), len(cancels))
	}
	// Stamped when read, so allow for the reader's delays.
	if gap := requests[1].Sub(requests[0]); gap < pullTimeout/2 {
		t.Errorf("the second request came %v after the first, before the first timed out", gap)
	}
	if !hoverAnswered {
		t.Error("the server stopped answering while its pulls went unanswered")
	}
}

// TestUnansweredRequestsBounded: a client that answers none of the
// server's requests (workspace/configuration, the refreshes of size hints
// and pulled diagnostics) and changes its settings 20,000 times, each
// naming a rule that does not exist, leaves a bounded number of goroutines
// and warnings: one request of each kind at a time (there was one
// goroutine per change; 200,000 changes held 1 GB).
func TestUnansweredRequestsBounded(t *testing.T) {
	c := startSessionWith(t, `{"workspace":{"configuration":true,"inlayHint":{"refreshSupport":true},"codeLens":{"refreshSupport":true},"diagnostics":{"refreshSupport":true}},"textDocument":{"diagnostic":{}}}`)
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:Dockerfile","languageId":"dockerfile","version":1,"text":"FROM alpine:3.19\n"}}}`)
	c.send(`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:Dockerfile"},"position":{"line":0,"character":0}}}`)
	c.answer(t, 2)
	before := runtime.NumGoroutine()
	for i := range 20000 {
		c.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"rules":{"NoSuchRule%d":"off"}}}}`, i))
	}
	c.send(`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:Dockerfile"},"position":{"line":0,"character":0}}}`)
	c.answer(t, 3) // every change was read
	if after := runtime.NumGoroutine(); after > before+50 {
		t.Errorf("%d goroutines after 20,000 unanswered settings changes, %d before", after, before)
	}
	c.send(`{"jsonrpc":"2.0","method":"exit"}`)
	warnings := 0
	for m := range c.out {
		if string(m["method"]) == `"window/showMessage"` {
			warnings++
		}
	}
	if warnings > maxWarnings {
		t.Errorf("%d warnings shown, want at most %d", warnings, maxWarnings)
	}
}
