package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lspproc"
)

// conn is one server process spoken to over stdio.
type conn struct {
	name  string
	proc  *lspproc.Process
	wmu   sync.Mutex
	start time.Time // just before the process was started

	mu       sync.Mutex
	cond     *sync.Cond
	nextID   int
	pending  map[int]chan reply
	pubs     map[pubKey][]time.Time // arrival times of publishDiagnostics, by URI and version
	versions map[string]bool        // URIs whose publishes carry a version
	lastSent map[string]int32       // the last version sent per URI, for servers that publish none
	readErr  error
	stderr   limitedBuffer
}

type pubKey struct {
	uri     string
	version int32
}

type reply struct {
	at     time.Time
	result json.RawMessage
	err    *rpcError
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *rpcError       `json:"error,omitempty"`
}

// limitedBuffer keeps the first 64 KiB of the server's stderr for error
// messages.
type limitedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := 64<<10 - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs command (split on white space) in dir.
func startServer(name, command, dir string) (*conn, error) {
	args := strings.Fields(command)
	c := &conn{
		name:     name,
		pending:  map[int]chan reply{},
		pubs:     map[pubKey][]time.Time{},
		versions: map[string]bool{},
		lastSent: map[string]int32{},
	}
	c.cond = sync.NewCond(&c.mu)
	c.start = time.Now()
	proc, err := lspproc.Start(args, dir, &c.stderr)
	if err != nil {
		return nil, err
	}
	c.proc = proc
	go c.read(bufio.NewReaderSize(proc.Stdout, 1<<16))
	return c, nil
}

func (c *conn) pid() int { return c.proc.Pid() }

func (c *conn) read(r *bufio.Reader) {
	for {
		body, err := lspframe.Read(r)
		at := time.Now()
		if err != nil {
			c.mu.Lock()
			c.readErr = err
			for id, ch := range c.pending {
				close(ch)
				delete(c.pending, id)
			}
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			continue
		}
		switch {
		case m.Method != "" && len(m.ID) > 0:
			c.answerServerRequest(m)
		case m.Method == "textDocument/publishDiagnostics":
			var p struct {
				URI     string `json:"uri"`
				Version *int32 `json:"version"`
			}
			if json.Unmarshal(m.Params, &p) != nil {
				continue
			}
			c.mu.Lock()
			k := pubKey{uri: p.URI}
			if p.Version != nil {
				k.version = *p.Version
				c.versions[p.URI] = true
			} else {
				// Servers that publish no version analyse in order, so a
				// publish belongs to the last version sent.
				k.version = c.lastSent[p.URI]
			}
			c.pubs[k] = append(c.pubs[k], at)
			c.cond.Broadcast()
			c.mu.Unlock()
		case m.Method == "":
			id, err := strconv.Atoi(string(m.ID))
			if err != nil {
				continue
			}
			c.mu.Lock()
			ch := c.pending[id]
			delete(c.pending, id)
			c.mu.Unlock()
			if ch != nil {
				ch <- reply{at: at, result: m.Result, err: m.Error}
			}
		}
	}
}

// answerServerRequest answers what a server may ask a client: null for
// everything, a list of nulls for workspace/configuration.
func (c *conn) answerServerRequest(m message) {
	var result any
	if m.Method == "workspace/configuration" {
		var p struct {
			Items []json.RawMessage `json:"items"`
		}
		_ = json.Unmarshal(m.Params, &p)
		result = make([]any, len(p.Items))
	}
	_ = c.send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
}

func (c *conn) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return lspframe.Write(c.proc.Stdin, b)
}

func (c *conn) notify(method string, params any) error {
	return c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request and waits for its answer; it returns the time the
// answer arrived.
func (c *conn) call(method string, params any, timeout time.Duration) (reply, error) {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan reply, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	if err := c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return reply{}, err
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return reply{}, fmt.Errorf("%s: connection closed while waiting for %s; stderr:\n%s", c.name, method, c.stderr.String())
		}
		if r.err != nil {
			return r, fmt.Errorf("%s: %s failed: %d %s", c.name, method, r.err.Code, r.err.Message)
		}
		return r, nil
	case <-time.After(timeout):
		return reply{}, fmt.Errorf("%s: no answer to %s within %s", c.name, method, timeout)
	}
}

// sent records the version just sent for uri; call it before sending.
func (c *conn) sent(uri string, version int32) {
	c.mu.Lock()
	c.lastSent[uri] = version
	c.mu.Unlock()
}

// waitPublish returns the arrival time of the nth publish of version for
// uri, or false after timeout.
func (c *conn) waitPublish(uri string, version int32, nth int, timeout time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(timeout)
	t := time.AfterFunc(timeout, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer t.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if ts := c.pubs[pubKey{uri, version}]; len(ts) >= nth {
			return ts[nth-1], true
		}
		if c.readErr != nil || !time.Now().Before(deadline) {
			return time.Time{}, false
		}
		c.cond.Wait()
	}
}

// publishes counts the publishes of version for uri so far.
func (c *conn) publishes(uri string, version int32) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pubs[pubKey{uri, version}])
}

// versioned says whether the server's publishes for uri carry a version.
func (c *conn) versioned(uri string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.versions[uri]
}

// forget drops what was recorded for uri.
func (c *conn) forget(uri string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.pubs {
		if k.uri == uri {
			delete(c.pubs, k)
		}
	}
}

// stop asks the server to shut down and exit, and kills it if it does not.
func (c *conn) stop() {
	if _, err := c.call("shutdown", nil, 5*time.Second); err == nil {
		_ = c.notify("exit", nil)
	}
	c.proc.Close(5 * time.Second)
}

// memory returns VmHWM and VmRSS in KiB of the process and its descendants
// (a server started through a wrapper counts its children too).
func memory(pid int) (hwm, rss int64) {
	for _, p := range append([]int{pid}, descendants(pid)...) {
		h, r := procStatus(p)
		hwm += h
		rss += r
	}
	return hwm, rss
}

func procStatus(pid int) (hwm, rss int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmHWM:":
			hwm = n
		case "VmRSS:":
			rss = n
		}
	}
	return hwm, rss
}

func descendants(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				out = append(out, child)
				out = append(out, descendants(child)...)
			}
		}
	}
	return out
}
