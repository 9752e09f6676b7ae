package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lspproc"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

// conn is one server process spoken to over stdio, through an
// lsptest.Conn that answers the server's requests.
type conn struct {
	name   string
	proc   *lspproc.Process
	conn   *lsptest.Conn
	start  time.Time     // just before the process was started
	stderr *lsptest.Tail // the end of the server's stderr, for error messages

	// Guarded by conn's lock:
	waiting  map[int]bool            // requests a call waits for
	replies  map[int]lsptest.Message // their responses, until the call takes them
	pubs     map[string][]publish    // publishDiagnostics by URI, in arrival order
	sentSeq  map[string][]int32      // the versions sent per URI, in order
	versions map[string]bool         // URIs whose publishes carry a version
}

// publish is one publishDiagnostics as it arrived. A server whose publishes
// carry no version is taken to publish once per version, in order (the
// TypeScript server validates each open and change synchronously, in
// order): the k-th publish of a URI is attributed to the k-th version sent.
type publish struct {
	at      time.Time
	version int32
}

type reply struct {
	at     time.Time
	result json.RawMessage
}

// startServer runs command (split on white space) in dir.
func startServer(name, command, dir string) (*conn, error) {
	args := strings.Fields(command)
	c := &conn{
		name:     name,
		stderr:   &lsptest.Tail{Max: 64 << 10},
		waiting:  map[int]bool{},
		replies:  map[int]lsptest.Message{},
		pubs:     map[string][]publish{},
		sentSeq:  map[string][]int32{},
		versions: map[string]bool{},
	}
	c.start = time.Now()
	proc, err := lspproc.Start(args, dir, c.stderr)
	if err != nil {
		return nil, err
	}
	c.proc = proc
	c.conn = lsptest.NewConn(name, proc.Stdout, proc.Stdin, lsptest.ConnOptions{Handle: c.handle, AnswerRequests: true})
	return c, nil
}

func (c *conn) pid() int { return c.proc.Pid() }

// handle records responses waited for and when each publish arrived; it
// runs with the connection's lock held.
func (c *conn) handle(m lsptest.Message) {
	switch {
	case m.Method == "textDocument/publishDiagnostics":
		var p struct {
			URI     string `json:"uri"`
			Version *int32 `json:"version"`
		}
		if json.Unmarshal(m.Params, &p) != nil {
			return
		}
		pub := publish{at: m.At}
		if p.Version != nil {
			pub.version = *p.Version
			c.versions[p.URI] = true
		} else if seq, k := c.sentSeq[p.URI], len(c.pubs[p.URI]); k < len(seq) {
			pub.version = seq[k]
		} else {
			pub.version = -1 // more publishes than versions: none of ours
		}
		c.pubs[p.URI] = append(c.pubs[p.URI], pub)
	case m.IsResponse():
		if id, err := strconv.Atoi(string(m.ID)); err == nil && c.waiting[id] {
			c.replies[id] = m
		}
	}
}

func (c *conn) notify(method string, params any) error { return c.conn.Notify(method, params) }

// call sends a request and waits for its answer; it returns the time the
// answer arrived.
func (c *conn) call(method string, params any, timeout time.Duration) (reply, error) {
	id := c.conn.NextID()
	c.conn.Lock()
	c.waiting[id] = true
	c.conn.Unlock()
	defer func() {
		c.conn.Lock()
		delete(c.waiting, id)
		delete(c.replies, id)
		c.conn.Unlock()
	}()
	if err := c.conn.SendRequest(id, method, params); err != nil {
		return reply{}, err
	}
	var m lsptest.Message
	answered := c.conn.WaitUntil(timeout, func() bool {
		var ok bool
		m, ok = c.replies[id]
		return ok
	})
	if !answered {
		c.conn.Lock()
		closed := c.conn.Err() != nil
		c.conn.Unlock()
		if closed {
			return reply{}, fmt.Errorf("%s: connection closed while waiting for %s; stderr:\n%s", c.name, method, c.stderr.String())
		}
		return reply{}, fmt.Errorf("%s: no answer to %s within %s", c.name, method, timeout)
	}
	r := reply{at: m.At, result: m.Result}
	if m.Error != nil {
		return r, fmt.Errorf("%s: %s failed: %d %s", c.name, method, m.Error.Code, m.Error.Message)
	}
	return r, nil
}

// send writes a notification about version of uri and returns the moment
// it was written: the message is encoded first, so the clock starts when
// the server can read it.
func (c *conn) send(uri string, version int32, method string, params any) (time.Time, error) {
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	if err != nil {
		return time.Time{}, err
	}
	frame := lspframe.Frame(body)
	c.conn.Lock()
	c.sentSeq[uri] = append(c.sentSeq[uri], version)
	c.conn.Unlock()
	t0 := time.Now()
	return t0, c.conn.WriteRaw(frame)
}

// waitFor waits until cond holds on uri's publishes so far (called with
// the lock held), or timeout.
func (c *conn) waitFor(uri string, timeout time.Duration, cond func([]publish) bool) bool {
	return c.conn.WaitUntil(timeout, func() bool { return cond(c.pubs[uri]) })
}

// waitPublish returns the arrival time of the nth publish of version for
// uri, or false after timeout.
func (c *conn) waitPublish(uri string, version int32, nth int, timeout time.Duration) (time.Time, bool) {
	var at time.Time
	ok := c.waitFor(uri, timeout, func(ps []publish) bool {
		var found bool
		at, found = nthOf(ps, version, nth)
		return found
	})
	return at, ok
}

// nthOf is the arrival of the nth publish of version.
func nthOf(ps []publish, version int32, nth int) (time.Time, bool) {
	for _, p := range ps {
		if p.version == version {
			if nth--; nth == 0 {
				return p.at, true
			}
		}
	}
	return time.Time{}, false
}

// firstFrom is the arrival of the first publish of version or a later one:
// what the user sees first after typing it.
func firstFrom(ps []publish, version int32) (time.Time, bool) {
	for _, p := range ps {
		if p.version >= version {
			return p.at, true
		}
	}
	return time.Time{}, false
}

// published returns uri's publishes so far.
func (c *conn) published(uri string) []publish {
	c.conn.Lock()
	defer c.conn.Unlock()
	return slices.Clone(c.pubs[uri])
}

// versioned says whether the server's publishes for uri carry a version.
func (c *conn) versioned(uri string) bool {
	c.conn.Lock()
	defer c.conn.Unlock()
	return c.versions[uri]
}

// forget drops what was recorded for uri.
func (c *conn) forget(uri string) {
	c.conn.Lock()
	defer c.conn.Unlock()
	delete(c.pubs, uri)
	delete(c.sentSeq, uri)
}

// stop asks the server to shut down and exit, and kills it if it does not.
func (c *conn) stop() {
	if _, err := c.call("shutdown", nil, 5*time.Second); err == nil {
		_ = c.notify("exit", nil)
	}
	c.proc.Close(5 * time.Second)
}

// memory is lsptest.Memory (of the process and its descendants) in the
// order the report prints it.
func memory(pid int) (hwm, rss int64) {
	rss, hwm = lsptest.Memory(pid)
	return hwm, rss
}
