package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

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
	pubs     map[pubKey][]time.Time  // arrival times of publishDiagnostics, by URI and version
	versions map[string]bool         // URIs whose publishes carry a version
	lastSent map[string]int32        // the last version sent per URI, for servers that publish none
}

type pubKey struct {
	uri     string
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
		pubs:     map[pubKey][]time.Time{},
		versions: map[string]bool{},
		lastSent: map[string]int32{},
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
		k := pubKey{uri: p.URI}
		if p.Version != nil {
			k.version = *p.Version
			c.versions[p.URI] = true
		} else {
			// Servers that publish no version analyse in order, so a
			// publish belongs to the last version sent.
			k.version = c.lastSent[p.URI]
		}
		c.pubs[k] = append(c.pubs[k], m.At)
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

// sent records the version just sent for uri; call it before sending.
func (c *conn) sent(uri string, version int32) {
	c.conn.Lock()
	c.lastSent[uri] = version
	c.conn.Unlock()
}

// waitPublish returns the arrival time of the nth publish of version for
// uri, or false after timeout.
func (c *conn) waitPublish(uri string, version int32, nth int, timeout time.Duration) (time.Time, bool) {
	var at time.Time
	ok := c.conn.WaitUntil(timeout, func() bool {
		ts := c.pubs[pubKey{uri, version}]
		if len(ts) < nth {
			return false
		}
		at = ts[nth-1]
		return true
	})
	return at, ok
}

// publishes counts the publishes of version for uri so far.
func (c *conn) publishes(uri string, version int32) int {
	c.conn.Lock()
	defer c.conn.Unlock()
	return len(c.pubs[pubKey{uri, version}])
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

// memory is lsptest.Memory (of the process and its descendants) in the
// order the report prints it.
func memory(pid int) (hwm, rss int64) {
	rss, hwm = lsptest.Memory(pid)
	return hwm, rss
}
