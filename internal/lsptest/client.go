// Package lsptest is the project's one LSP client for tests and benchmarks.
// Conn speaks to any language server over a pair of streams (the soak
// test's in-process server, the servers lspbench compares); it frames
// messages itself, so tests can also send broken ones. Client drives the
// real dockerfile-ls binary for a test: it keeps every message received
// and matches responses to requests.
package lsptest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lspproc"
)

// Client is a running server process, for a test: every message the server
// sends is kept, so that a test can wait for one received at any time.
type Client struct {
	t      testing.TB
	proc   *lspproc.Process
	conn   *Conn
	Stderr *Tail

	msgs      []Message // everything received, in order; guarded by conn's lock
	malformed error     // the first message that was not JSON
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds the server once per test process and returns its path;
// DOCKERFILE_LS_BIN names a prebuilt binary to test instead.
func Binary(t testing.TB) string {
	if bin := os.Getenv("DOCKERFILE_LS_BIN"); bin != "" {
		return bin
	}
	buildOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		dir, err := os.MkdirTemp("", "dockerfile-ls-test-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "dockerfile-ls")
		out, err := exec.Command("go", "build", "-C", root, "-o", binPath, "./cmd/dockerfile-ls").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("building dockerfile-ls: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Start runs the binary with args and starts reading its output.
func Start(t testing.TB, args ...string) *Client {
	c := &Client{t: t, Stderr: &Tail{Max: 4 << 20}}
	proc, err := lspproc.Start(append([]string{Binary(t)}, args...), "", c.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	c.proc = proc
	c.conn = NewConn("dockerfile-ls", proc.Stdout, proc.Stdin, ConnOptions{Handle: c.keep})
	t.Cleanup(func() { proc.Close(5 * time.Second) })
	return c
}

// keep records m; it runs with the connection's lock held.
func (c *Client) keep(m Message) {
	if m.Malformed != nil {
		if c.malformed == nil {
			c.malformed = m.Malformed
		}
		return
	}
	c.msgs = append(c.msgs, m)
}

// WriteRaw sends bytes as they are (for malformed-input tests).
func (c *Client) WriteRaw(b string) {
	c.t.Helper()
	if err := c.conn.WriteRaw([]byte(b)); err != nil {
		c.t.Fatal(err)
	}
}

// Frame wraps a body in an LSP header.
func Frame(body string) string { return string(lspframe.Frame([]byte(body))) }

// Notify sends a notification.
func (c *Client) Notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(method, params); err != nil {
		c.t.Fatal(err)
	}
}

// Request sends a request and returns its id without waiting.
func (c *Client) Request(method string, params any) int {
	c.t.Helper()
	id, err := c.conn.Request(method, params)
	if err != nil {
		c.t.Fatal(err)
	}
	return id
}

// Call sends a request and waits for its response.
func (c *Client) Call(method string, params any) Message {
	c.t.Helper()
	return c.Response(c.Request(method, params))
}

// Response waits for the response to request id.
func (c *Client) Response(id int) Message {
	c.t.Helper()
	want := strconv.Itoa(id)
	return c.Wait(fmt.Sprintf("response to %d", id), func(m Message) bool {
		return m.IsResponse() && string(m.ID) == want
	})
}

// Wait returns the first message (received at any time) that matches.
func (c *Client) Wait(what string, match func(Message) bool) Message {
	c.t.Helper()
	m, ok := c.WaitFor(what, 20*time.Second, match)
	if !ok {
		c.conn.Lock()
		why := c.malformed
		if why == nil {
			why = c.conn.Err()
		}
		c.conn.Unlock()
		if why != nil {
			c.t.Fatalf("no %s: %v; stderr:\n%s", what, why, c.Stderr.String())
		}
		c.t.Fatalf("timed out waiting for %s; stderr:\n%s", what, c.Stderr.String())
	}
	return m
}

// WaitFor is Wait with a timeout that reports failure instead of failing.
// A message that is not JSON ends every wait: the server broke the
// protocol.
func (c *Client) WaitFor(what string, timeout time.Duration, match func(Message) bool) (Message, bool) {
	var found Message
	ok, seen := false, 0
	c.conn.WaitUntil(timeout, func() bool {
		for ; seen < len(c.msgs); seen++ {
			if match(c.msgs[seen]) {
				found, ok = c.msgs[seen], true
				return true
			}
		}
		return c.malformed != nil
	})
	return found, ok
}

// Messages returns a copy of everything received so far.
func (c *Client) Messages() []Message {
	c.conn.Lock()
	defer c.conn.Unlock()
	return append([]Message(nil), c.msgs...)
}

// Initialize performs the handshake with default client capabilities.
func (c *Client) Initialize(capabilities map[string]any) Message {
	c.t.Helper()
	if capabilities == nil {
		capabilities = map[string]any{}
	}
	res := c.Call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": capabilities})
	if res.Error != nil {
		c.t.Fatalf("initialize failed: %+v", res.Error)
	}
	c.Notify("initialized", map[string]any{})
	return res
}

// Exit sends shutdown and exit and returns the process exit code.
func (c *Client) Exit() int {
	c.t.Helper()
	if res := c.Call("shutdown", nil); res.Error != nil {
		c.t.Fatalf("shutdown failed: %+v", res.Error)
	}
	c.Notify("exit", nil)
	return c.WaitExit()
}

// WaitExit waits for the process to end and returns its exit code.
func (c *Client) WaitExit() int {
	c.t.Helper()
	code, ok := c.proc.WaitExit(10 * time.Second)
	if !ok {
		c.t.Fatal("server did not exit")
	}
	return code
}

// Diagnostics is a publishDiagnostics notification's params.
type Diagnostics struct {
	URI         string `json:"uri"`
	Version     *int   `json:"version"`
	Diagnostics []struct {
		Range struct {
			Start struct{ Line, Character int } `json:"start"`
			End   struct{ Line, Character int } `json:"end"`
		} `json:"range"`
		Severity        int    `json:"severity"`
		Code            string `json:"code"`
		Source          string `json:"source"`
		Message         string `json:"message"`
		CodeDescription *struct {
			Href string `json:"href"`
		} `json:"codeDescription"`
		RelatedInformation []struct {
			Message string `json:"message"`
		} `json:"relatedInformation"`
		Data json.RawMessage `json:"data"`
	} `json:"diagnostics"`
}

// Codes lists the diagnostic codes, in order.
func (d Diagnostics) Codes() []string {
	var out []string
	for _, x := range d.Diagnostics {
		out = append(out, x.Code)
	}
	return out
}

// WaitDiagnostics waits for a publish for uri that satisfies match.
func (c *Client) WaitDiagnostics(uri string, match func(Diagnostics) bool) Diagnostics {
	c.t.Helper()
	var got Diagnostics
	c.Wait("diagnostics for "+uri, func(m Message) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		var d Diagnostics
		if json.Unmarshal(m.Params, &d) != nil || d.URI != uri {
			return false
		}
		if match(d) {
			got = d
			return true
		}
		return false
	})
	return got
}

// CloseInput closes the server's stdin, as an editor that quits does.
func (c *Client) CloseInput() { _ = c.proc.Stdin.Close() }
