package lspstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
)

// frame wraps body in a canonical LSP header.
func frame(body string) string {
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
}

const (
	initCall = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`
	initNote = `{"jsonrpc":"2.0","method":"initialized","params":{}}`
	hoverReq = `{"jsonrpc":"2.0","id":"h","method":"textDocument/hover"}`
	response = `{"jsonrpc":"2.0","id":7,"result":null}`
)

// describe renders a message compactly for comparison.
func describe(m jsonrpc2.Message) string {
	switch m := m.(type) {
	case *jsonrpc2.Call:
		return fmt.Sprintf("call %s %v", m.Method(), m.ID())
	case *jsonrpc2.Notification:
		return "note " + m.Method()
	case *jsonrpc2.Response:
		return fmt.Sprintf("resp %v", m.ID())
	}
	return fmt.Sprintf("%T", m)
}

// buffer is a concurrency-safe io.WriteCloser.
type buffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	closed bool
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

func (b *buffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.b.Bytes())
}

// readAll decodes every frame in out with jsonrpc2's own (strict) reader,
// which doubles as a check that our output framing is valid. Requests in the
// result borrow a reused buffer; only responses (which own their bytes) are
// safe to inspect afterwards.
func readAll(t testing.TB, out []byte) []jsonrpc2.Message {
	t.Helper()
	s := jsonrpc2.NewHeaderStream(readOnly{bytes.NewReader(out)})
	var msgs []jsonrpc2.Message
	for {
		m, _, err := s.Read(context.Background())
		if err == io.EOF {
			return msgs
		}
		if err != nil {
			t.Fatalf("output is not valid LSP framing: %v\n%q", err, out)
		}
		msgs = append(msgs, m)
	}
}

type readOnly struct{ io.Reader }

func (readOnly) Write(p []byte) (int, error) { return 0, errors.New("read-only") }
func (readOnly) Close() error                { return nil }

// errorCodes checks that every written message is an error response with a
// null id and returns the codes.
func errorCodes(t testing.TB, out []byte) []jsonrpc2.Code {
	t.Helper()
	var codes []jsonrpc2.Code
	for _, m := range readAll(t, out) {
		r, ok := m.(*jsonrpc2.Response)
		if !ok || r.ID().IsValid() {
			t.Fatalf("want error response with null id, got %s", describe(m))
		}
		var e *jsonrpc2.Error
		if !errors.As(r.Err(), &e) {
			t.Fatalf("want error response, got %v", r.Err())
		}
		codes = append(codes, e.Code)
	}
	if !bytes.Contains(out, []byte(`"id":null`)) && len(codes) > 0 {
		t.Fatalf("error response lacks explicit null id: %q", out)
	}
	return codes
}

func TestRead(t *testing.T) {
	const (
		parse   = jsonrpc2.ParseError
		invalid = jsonrpc2.InvalidRequest
	)
	tests := []struct {
		name    string
		in      string
		want    []string        // messages returned by Read, in order
		wantErr error           // error ending the sequence
		codes   []jsonrpc2.Code // error responses written, in order
	}{
		{name: "empty input", in: "", wantErr: io.EOF},
		{name: "round trip", in: frame(initCall) + frame(initNote) + frame(hoverReq) + frame(response),
			want: []string{"call initialize 1", "note initialized", "call textDocument/hover h", "resp 7"}, wantErr: io.EOF},
		{name: "content-type accepted", in: "Content-Length: 58\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + initCall,
			want: []string{"call initialize 1"}, wantErr: io.EOF},
		{name: "content-type first", in: "Content-Type: application/vscode-jsonrpc\r\nContent-Length: 58\r\n\r\n" + initCall,
			want: []string{"call initialize 1"}, wantErr: io.EOF},
		{name: "case-insensitive names", in: "content-length: 58\r\n\r\n" + initCall + "CONTENT-LENGTH:58\r\ncOnTeNt-TyPe: x\r\n\r\n" + initCall,
			want: []string{"call initialize 1", "call initialize 1"}, wantErr: io.EOF},
		{name: "bare LF and padded value", in: "Content-Length: \t58 \n\n" + initCall,
			want: []string{"call initialize 1"}, wantErr: io.EOF},
		{name: "blank lines between frames skipped", in: "\r\n" + frame(initCall) + "\r\n\n" + frame(initNote),
			want: []string{"call initialize 1", "note initialized"}, wantErr: io.EOF},
		{name: "invalid JSON body", in: frame(`{"jsonrpc":"2.0",`) + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "trailing bytes in body", in: frame(initNote+"x") + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "valid JSON but not a request", in: frame(`{"foo":1}`) + frame(`42`) + frame(`[]`) +
			frame(`[`+initCall+`]`) + frame(`{"jsonrpc":"1.0","id":1,"method":"x"}`) + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{invalid, invalid, invalid, invalid, invalid}},
		{name: "zero Content-Length", in: "Content-Length: 0\r\n\r\n" + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "missing Content-Length", in: "Content-Type: application/json\r\n\r\n" + initNote + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "non-numeric Content-Length", in: "Content-Length: abc\r\n\r\n" + initNote + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "negative Content-Length", in: "Content-Length: -5\r\n\r\n" + initNote + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "empty Content-Length", in: "Content-Length:\r\n\r\n" + initNote + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "conflicting Content-Length", in: "Content-Length: 58\r\nContent-Length: 59\r\n\r\n" + initCall + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "huge Content-Length", in: fmt.Sprintf("Content-Length: %d\r\n\r\n", MaxContentLength+1) + initNote + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "overflowing Content-Length", in: "Content-Length: 99999999999999999999999\r\n\r\n" + initNote + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "garbage between frames", in: frame(initCall) + "panic: oops\r\ngoroutine 1 [running]\n" + frame(initNote),
			want: []string{"call initialize 1", "note initialized"}, wantErr: io.EOF},
		{name: "garbage glued to next header", in: frame(initCall) + "}}}" + frame(initNote),
			want: []string{"call initialize 1", "note initialized"}, wantErr: io.EOF},
		{name: "garbage before first frame", in: "\x00\xff junk without colon\n" + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF},
		{name: "garbage line with colon-like prefix", in: "{\"a\": 1}\r\n" + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF},
		{name: "malformed line after Content-Length", in: "Content-Length: 58\r\nno colon here\r\n\r\n" + initCall + frame(initNote),
			want: []string{"note initialized"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "Content-Length too small", in: "Content-Length: 10\r\n\r\n" + initNote + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "overlong header line", in: "X-Junk: " + strings.Repeat("a", 2*maxHeaderLine) + "\r\n" + frame(initCall),
			want: []string{"call initialize 1"}, wantErr: io.EOF},
		{name: "garbage at EOF", in: frame(initCall) + "Content-Length: x\r\n\r\ntrailing",
			want: []string{"call initialize 1"}, wantErr: io.EOF, codes: []jsonrpc2.Code{parse}},
		{name: "truncated body", in: frame(initCall) + "Content-Length: 58\r\n\r\n" + initCall[:20],
			want: []string{"call initialize 1"}, wantErr: io.ErrUnexpectedEOF},
		{name: "truncated header block", in: "Content-Length: 58\r\n",
			wantErr: io.ErrUnexpectedEOF},
		{name: "truncated header line", in: frame(initCall) + "Content-Len",
			want: []string{"call initialize 1"}, wantErr: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &buffer{}
			s := New(strings.NewReader(tt.in), out, slog.New(slog.DiscardHandler))
			var got []string
			var err error
			for i := 0; ; i++ {
				if i > len(tt.in) {
					t.Fatal("Read made no progress")
				}
				var m jsonrpc2.Message
				if m, _, err = s.Read(context.Background()); err != nil {
					break
				}
				got = append(got, describe(m))
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("final error = %v, want %v", err, tt.wantErr)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("messages = %q, want %q", got, tt.want)
			}
			if codes := errorCodes(t, out.bytes()); fmt.Sprint(codes) != fmt.Sprint(tt.codes) {
				t.Errorf("error responses = %v, want %v\n%s", codes, tt.codes, out.bytes())
			}
		})
	}
}

func TestReadByteCount(t *testing.T) {
	in := frame(initCall)
	s := New(strings.NewReader(in), &buffer{}, nil)
	if _, n, err := s.Read(context.Background()); err != nil || n != int64(len(in)) {
		t.Fatalf("Read = %d, %v; want %d, nil", n, err, len(in))
	}
}

func TestReadCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := New(strings.NewReader(frame(initCall)), &buffer{}, nil)
	if _, _, err := s.Read(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read = %v, want context.Canceled", err)
	}
}

// failWriter makes error replies fail, which must end Read.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }
func (failWriter) Close() error              { return nil }

func TestReadReplyWriteFailure(t *testing.T) {
	s := New(strings.NewReader(frame("nope")+frame(initCall)), failWriter{}, nil)
	if _, _, err := s.Read(context.Background()); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("Read = %v, want wrapped io.ErrClosedPipe", err)
	}
}

func TestWriteConcurrent(t *testing.T) {
	out := &buffer{}
	s := New(strings.NewReader(""), out, nil)
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			params := jsonrpc2.RawMessage(fmt.Sprintf(`{"n":%d,"pad":%q}`, i, strings.Repeat("x", 1000)))
			if _, err := s.Write(context.Background(), jsonrpc2.NewNotification("m", params)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Decoded params borrow the reader's buffer, so record each before the next Read.
	seen := map[string]bool{}
	rs := jsonrpc2.NewHeaderStream(readOnly{bytes.NewReader(out.bytes())})
	for {
		m, _, err := rs.Read(context.Background())
		if err != nil {
			break
		}
		seen[string(m.(*jsonrpc2.Notification).Params())] = true
	}
	if len(seen) != n {
		t.Fatalf("decoded %d distinct frames, want %d", len(seen), n)
	}
}

// closeReader records Close.
type closeReader struct {
	io.Reader
	closed bool
}

func (c *closeReader) Close() error { c.closed = true; return nil }

func TestClose(t *testing.T) {
	r, w := &closeReader{Reader: strings.NewReader("")}, &buffer{}
	if err := New(r, w, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if !r.closed || !w.closed {
		t.Fatalf("reader closed=%v writer closed=%v, want both", r.closed, w.closed)
	}
	// A plain io.Reader is simply not closed.
	if err := New(strings.NewReader(""), &buffer{}, nil).Close(); err != nil {
		t.Fatal(err)
	}
}

// TestConnSurvivesMalformedFrames drives a real jsonrpc2.Conn: malformed
// input must be answered with an error and later requests still served.
func TestConnSurvivesMalformedFrames(t *testing.T) {
	clientR, serverW := io.Pipe()
	serverR, clientW := io.Pipe()
	conn := jsonrpc2.NewConn(New(serverR, serverW, slog.New(slog.DiscardHandler)))
	conn.Go(context.Background(), func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		return "echo:" + req.Method(), nil
	})
	defer conn.Close()

	// The client side reads with jsonrpc2's strict framer.
	client := jsonrpc2.NewHeaderStream(readOnly{clientR})
	recv := func() jsonrpc2.Message {
		t.Helper()
		type result struct {
			m   jsonrpc2.Message
			err error
		}
		ch := make(chan result, 1)
		go func() { m, _, err := client.Read(context.Background()); ch <- result{m, err} }()
		select {
		case r := <-ch:
			if r.err != nil {
				t.Fatalf("client read: %v", r.err)
			}
			return r.m
		case <-time.After(5 * time.Second):
			t.Fatal("timed out waiting for server")
		}
		return nil
	}
	send := func(s string) {
		go func() { _, _ = io.WriteString(clientW, s) }() // pipe writes block until read
	}

	send(frame(`{not json`))
	if r, ok := recv().(*jsonrpc2.Response); !ok || r.ID().IsValid() || !errors.Is(r.Err(), jsonrpc2.ErrParse) {
		t.Fatalf("want parse error with null id, got %+v", r)
	}
	send("garbage\r\nContent-Length: nope\r\n\r\n")
	if r, ok := recv().(*jsonrpc2.Response); !ok || !errors.Is(r.Err(), jsonrpc2.ErrParse) {
		t.Fatalf("want parse error for bad header, got %+v", r)
	}
	send(frame(`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover"}`))
	r, ok := recv().(*jsonrpc2.Response)
	if !ok || r.Err() != nil || r.ID() != jsonrpc2.NewNumberID(2) || string(r.Result()) != `"echo:textDocument/hover"` {
		t.Fatalf("want result for id 2, got %+v", r)
	}
	select {
	case <-conn.Done():
		t.Fatalf("connection ended: %v", conn.Err())
	default:
	}
}

func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"",
		frame(initCall) + frame(initNote),
		"Content-Length: 5\r\n\r\n{bad}" + frame(initCall),
		"Content-Length: abc\r\n\r\nxx}Content-Length: 2\r\n\r\n{}",
		"content-LENGTH: 99999999999999\r\n\r\n",
		"garbage\n\r\n\r\nContent-Length: 10\r\n",
		"Content-Length: 58\r\nX: y\r\n\r\n" + initCall[:30],
		"Content-Length:Content-Length:Content-Length: 2\r\n\r\n[]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out := &buffer{}
		s := New(bytes.NewReader(data), out, nil)
		for i := 0; ; i++ {
			// Every Read consumes input, so the loop is bounded by the input size.
			if i > len(data) {
				t.Fatal("Read made no progress")
			}
			if _, _, err := s.Read(context.Background()); err != nil {
				if err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("unexpected error %v", err)
				}
				break
			}
		}
		errorCodes(t, out.bytes()) // replies are well-framed null-id errors
	})
}

func TestLogsMalformedFrames(t *testing.T) {
	var logs bytes.Buffer
	s := New(strings.NewReader(frame("{")+"junk\n"+frame(initCall)), &buffer{}, slog.New(slog.NewTextHandler(&logs, nil)))
	if _, _, err := s.Read(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"not valid JSON", "malformed header line", "resynchronised"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}
