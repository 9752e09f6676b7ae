package lsptest

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
)

// fakeServer is the server's end of a pair of pipes: it reads what the
// client sends and writes what the test scripts. The pipes are the
// system's, which hold a few frames without a reader.
type fakeServer struct {
	in  *bufio.Reader // what the client sent
	out *os.File      // what the client reads
}

func connected(t *testing.T, opts ConnOptions) (*Conn, *fakeServer) {
	t.Helper()
	toServer, clientOut, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	clientIn, fromServer, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fromServer.Close(); _ = clientOut.Close() })
	// A client that sends nothing fails the test instead of hanging it.
	if err := toServer.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return NewConn("fake", clientIn, clientOut, opts), &fakeServer{in: bufio.NewReader(toServer), out: fromServer}
}

func (s *fakeServer) send(t *testing.T, body string) {
	t.Helper()
	if err := lspframe.Write(s.out, []byte(body)); err != nil {
		t.Fatal(err)
	}
}

func (s *fakeServer) receive(t *testing.T) map[string]any {
	t.Helper()
	body, err := lspframe.Read(s.in)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("the client sent %q: %v", body, err)
	}
	return m
}

// TestConnHandlesInOrder: a request's response reaches Handle; a body that
// is not JSON reaches it as Malformed, and reading goes on.
func TestConnHandlesInOrder(t *testing.T) {
	var got []Message
	c, s := connected(t, ConnOptions{Handle: func(m Message) { got = append(got, m) }})
	id, err := c.Request("dockerfile/x", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	req := s.receive(t)
	s.send(t, `not json`)
	s.send(t, `{"jsonrpc":"2.0","id":`+jsonNumber(req["id"])+`,"result":{"ok":true}}`)
	if !c.WaitUntil(10*time.Second, func() bool { return len(got) == 2 }) {
		t.Fatalf("got %d messages", len(got))
	}
	if got[0].Malformed == nil || string(got[0].Body) != "not json" {
		t.Errorf("first message %+v, want the malformed one", got[0])
	}
	if r := got[1]; !r.IsResponse() || string(r.ID) != jsonNumber(float64(id)) || string(r.Result) != `{"ok":true}` || r.At.IsZero() {
		t.Errorf("second message %+v, want the response to %d", r, id)
	}
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestConnAnswersRequests: with AnswerRequests the server's requests get
// the answers of a client without settings; without it, none.
func TestConnAnswersRequests(t *testing.T) {
	for _, answer := range []bool{true, false} {
		seen := 0
		c, s := connected(t, ConnOptions{AnswerRequests: answer, Handle: func(Message) { seen++ }})
		s.send(t, `{"jsonrpc":"2.0","id":7,"method":"workspace/configuration","params":{"items":[{},{}]}}`)
		s.send(t, `{"jsonrpc":"2.0","id":"r","method":"client/registerCapability","params":{}}`)
		if !answer {
			if err := c.Notify("probe", nil); err != nil {
				t.Fatal(err)
			}
			if m := s.receive(t); m["method"] != "probe" {
				t.Errorf("without AnswerRequests the client sent %v first", m)
			}
			continue
		}
		if m := s.receive(t); jsonNumber(m["id"]) != "7" || jsonNumber(m["result"]) != "[null,null]" {
			t.Errorf("configuration answered %v, want a null per item", m)
		}
		if m := s.receive(t); m["id"] != "r" || m["result"] != nil {
			t.Errorf("registerCapability answered %v, want null", m)
		}
		c.WaitUntil(10*time.Second, func() bool { return seen == 2 })
		if seen != 2 {
			t.Errorf("Handle saw %d requests, want 2", seen)
		}
	}
}

// TestConnWaitEnds: WaitUntil stops at its timeout, and at once when the
// server's output ends.
func TestConnWaitEnds(t *testing.T) {
	c, s := connected(t, ConnOptions{})
	start := time.Now()
	if c.WaitUntil(50*time.Millisecond, func() bool { return false }) {
		t.Error("a condition that never holds was met")
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("WaitUntil returned after %s, before its timeout", d)
	}
	_ = s.out.Close()
	start = time.Now()
	if c.WaitUntil(time.Minute, func() bool { return false }) {
		t.Error("a condition that never holds was met")
	}
	c.Lock()
	err := c.Err()
	c.Unlock()
	if err != io.EOF || time.Since(start) > 10*time.Second {
		t.Errorf("after the output ended: %v after %s", err, time.Since(start))
	}
}

func TestTailKeepsTheEnd(t *testing.T) {
	tail := &Tail{Max: 10}
	for i := range 10 {
		_, _ = tail.Write([]byte(strings.Repeat(string(rune('a'+i)), 5)))
	}
	got := tail.String()
	if !strings.HasPrefix(got, "[…]\n") || !strings.HasSuffix(got, "iiiiijjjjj") || len(got) > len("[…]\n")+20 {
		t.Errorf("kept %q", got)
	}
	short := &Tail{}
	_, _ = short.Write([]byte("panic: x"))
	if short.String() != "panic: x" {
		t.Errorf("kept %q", short.String())
	}
}

// TestMemory: this process has resident memory, at most its peak.
func TestMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	rss, hwm := Memory(os.Getpid())
	if rss <= 0 || hwm < rss {
		t.Errorf("VmRSS %d KiB, VmHWM %d KiB", rss, hwm)
	}
}
