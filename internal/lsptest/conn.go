package lsptest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
)

// Message is any JSON-RPC message read from the server.
type Message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`

	Body      []byte    `json:"-"` // the frame's body, as received
	At        time.Time `json:"-"` // when it was read
	Malformed error     `json:"-"` // Body is not JSON; the fields above are empty
}

// IsRequest says whether the server asks something (and waits for an
// answer).
func (m Message) IsRequest() bool {
	return m.Method != "" && len(m.ID) > 0 && string(m.ID) != "null"
}

// IsResponse says whether m answers a request of the client's.
func (m Message) IsResponse() bool { return m.Malformed == nil && m.Method == "" }

// Conn is the client's end of a connection to a language server over any
// pair of streams: a process's pipes, or those of server.Run in the same
// process. It sends what the caller writes, framed, and hands every message
// it reads to the caller's Handle; WaitUntil waits for what Handle records.
// It keeps nothing itself, so a long soak does not grow it.
type Conn struct {
	name   string
	w      io.Writer
	wmu    sync.Mutex // one frame at a time
	handle func(Message)
	answer bool
	nextID atomic.Int64

	mu       sync.Mutex // Lock and Unlock; held while Handle runs
	cond     *sync.Cond
	lastRecv time.Time
	readErr  error
}

// ConnOptions say what a Conn does with what it reads.
type ConnOptions struct {
	// Handle is called with each message read, in order, on the reading
	// goroutine, with the connection's lock held: what it records, under
	// that lock, is what WaitUntil's conditions read.
	Handle func(Message)
	// AnswerRequests answers the server's requests as a client without
	// settings does: a null per workspace/configuration item, null for
	// anything else. Without it the caller answers them.
	AnswerRequests bool
}

// NewConn starts reading r; name is for error messages.
func NewConn(name string, r io.Reader, w io.Writer, opts ConnOptions) *Conn {
	c := &Conn{name: name, w: w, handle: opts.Handle, answer: opts.AnswerRequests}
	c.cond = sync.NewCond(&c.mu)
	go c.read(bufio.NewReaderSize(r, 1<<16))
	return c
}

// Name is the name the connection was made with.
func (c *Conn) Name() string { return c.name }

// Lock takes the lock that guards what Handle records.
func (c *Conn) Lock() { c.mu.Lock() }

// Unlock releases it.
func (c *Conn) Unlock() { c.mu.Unlock() }

func (c *Conn) read(r *bufio.Reader) {
	for {
		body, err := lspframe.Read(r)
		at := time.Now()
		if err != nil {
			c.mu.Lock()
			c.readErr = err
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		m := Message{Body: body, At: at}
		if err := json.Unmarshal(body, &m); err != nil {
			m = Message{Body: body, At: at, Malformed: fmt.Errorf("%s: the server sent invalid JSON: %w", c.name, err)}
		}
		if c.answer && m.IsRequest() {
			_ = c.Send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": emptyAnswer(m)})
		}
		c.mu.Lock()
		c.lastRecv = at
		if c.handle != nil {
			c.handle(m)
		}
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

// emptyAnswer is what a client without settings answers to a request.
func emptyAnswer(m Message) any {
	if m.Method != "workspace/configuration" {
		return nil
	}
	var p struct {
		Items []json.RawMessage `json:"items"`
	}
	_ = json.Unmarshal(m.Params, &p)
	return make([]any, len(p.Items))
}

// WriteRaw sends bytes as they are (for malformed-input tests).
func (c *Conn) WriteRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.w.Write(b); err != nil {
		return fmt.Errorf("%s: writing to the server: %w", c.name, err)
	}
	return nil
}

// Send marshals v and sends it as one frame.
func (c *Conn) Send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	return c.WriteRaw(lspframe.Frame(b))
}

// Notify sends a notification.
func (c *Conn) Notify(method string, params any) error {
	return c.Send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// NextID allocates a request id, for a caller that records the request
// before sending it (SendRequest) or writes its frame by hand.
func (c *Conn) NextID() int { return int(c.nextID.Add(1)) }

// SendRequest sends a request with an id from NextID.
func (c *Conn) SendRequest(id int, method string, params any) error {
	return c.Send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

// Request sends a request with a new id and returns the id; Handle sees
// the response.
func (c *Conn) Request(method string, params any) (int, error) {
	id := c.NextID()
	return id, c.SendRequest(id, method, params)
}

// WaitUntil waits until cond, called with the lock held, holds. It is false
// after timeout, or once the server's output has ended without cond
// holding.
func (c *Conn) WaitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	t := time.AfterFunc(timeout, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer t.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond() {
		if c.readErr != nil || !time.Now().Before(deadline) {
			return false
		}
		c.cond.Wait()
	}
	return true
}

// Err is why reading ended (io.EOF when the server closed its output), or
// nil while it goes on. Call it with the lock held.
func (c *Conn) Err() error { return c.readErr }

// LastReceived is when the last message was read. Call it with the lock
// held.
func (c *Conn) LastReceived() time.Time { return c.lastRecv }

// Tail is a writer, safe for concurrent use, that keeps the end of what is
// written, at least the last Max bytes and at most twice that (the end of
// a log is where a crash is): for a server's stderr.
type Tail struct {
	Max int // 0: 1 MiB

	mu  sync.Mutex
	buf []byte
	cut bool
}

func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	limit := t.Max
	if limit <= 0 {
		limit = 1 << 20
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*limit { // trim now and then, not on every write
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-limit:]...)
		t.cut = true
	}
	return len(p), nil
}

// String is what is kept, after "[…]\n" when the start was cut.
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cut {
		return "[…]\n" + string(t.buf)
	}
	return string(t.buf)
}
