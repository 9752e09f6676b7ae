package hostile

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lspproc"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

// session is the server under test, as an editor drives it: every
// message it sends is counted, publishes by document, and its process is
// watched for CPU time and memory.
type session struct {
	t      *testing.T
	proc   *lspproc.Process
	conn   *lsptest.Conn
	stderr *lsptest.Tail

	// Guarded by the conn's lock (Handle runs with it held).
	published map[string]int    // publishes by URI
	last      map[string][]byte // the last publish of each URI
	responses map[string]lsptest.Message
	requests  int // requests the server sent (workspace/configuration, …)
}

// startServer starts cmd (the binary, or strace running it) in folder cwd
// as an LSP server with workspace folder ws ("" for none). answer: the
// client answers the server's requests (a client without settings);
// otherwise it never does.
func startServer(t *testing.T, cmd []string, ws, cwd string, answer bool) *session {
	t.Helper()
	s := &session{t: t, stderr: &lsptest.Tail{Max: 8 << 20}, published: map[string]int{}, last: map[string][]byte{}, responses: map[string]lsptest.Message{}}
	proc, err := lspproc.Start(cmd, cwd, s.stderr)
	if err != nil {
		t.Fatalf("starting the server: %v", err)
	}
	s.proc = proc
	s.conn = lsptest.NewConn("dockerfile-ls", proc.Stdout, proc.Stdin, lsptest.ConnOptions{Handle: s.keep, AnswerRequests: answer})
	t.Cleanup(func() {
		proc.Close(2 * time.Second)
		killGroup(proc.Pid()) // what a wedged server left behind
	})
	caps := map[string]any{"workspace": map[string]any{"configuration": true, "workspaceFolders": true, "didChangeConfiguration": map[string]any{"dynamicRegistration": false}}}
	// processId: a server left behind by a dying test ends by itself.
	params := map[string]any{"processId": os.Getpid(), "rootUri": nil, "capabilities": caps}
	if ws != "" {
		params["rootUri"] = fileURI(ws)
		params["workspaceFolders"] = []any{map[string]any{"uri": fileURI(ws), "name": "ws"}}
	}
	if res, err := s.call("initialize", params, 30*time.Second); err != nil || res.Error != nil {
		t.Fatalf("initialize: %v %+v; stderr:\n%s", err, res.Error, s.stderr.String())
	}
	s.notify("initialized", map[string]any{})
	return s
}

// keep records m; the conn's lock is held.
func (s *session) keep(m lsptest.Message) {
	switch {
	case m.Malformed != nil:
		s.t.Errorf("the server sent a malformed message: %v", m.Malformed)
	case m.Method == "textDocument/publishDiagnostics":
		var p struct {
			URI string `json:"uri"`
		}
		_ = json.Unmarshal(m.Params, &p)
		s.published[p.URI]++
		s.last[p.URI] = m.Params
	case m.IsRequest():
		s.requests++
	case m.IsResponse():
		m.Body = nil // only the size of an answer matters, kept in Result
		s.responses[string(m.ID)] = m
	}
}

func (s *session) notify(method string, params any) {
	s.t.Helper()
	if err := s.conn.Notify(method, params); err != nil {
		s.t.Fatalf("%s: %v; stderr:\n%s", method, err, s.stderr.String())
	}
}

// call sends a request and waits up to timeout for its answer.
func (s *session) call(method string, params any, timeout time.Duration) (lsptest.Message, error) {
	id, err := s.conn.Request(method, params)
	if err != nil {
		return lsptest.Message{}, fmt.Errorf("%s: %w", method, err)
	}
	return s.response(id, method, timeout)
}

// response waits up to timeout for the answer to request id.
func (s *session) response(id int, method string, timeout time.Duration) (lsptest.Message, error) {
	key := strconv.Itoa(id)
	var m lsptest.Message
	ok := s.conn.WaitUntil(timeout, func() bool {
		var found bool
		m, found = s.responses[key]
		return found
	})
	if !ok {
		s.conn.Lock()
		ended := s.conn.Err()
		s.conn.Unlock()
		if ended != nil {
			return m, fmt.Errorf("no answer to %s: the server's output ended (%v); stderr:\n%s", method, ended,
				cmp.Or(crashed(s.stderr.String()), tail(s.stderr.String(), 10)))
		}
		return m, fmt.Errorf("no answer to %s within %s", method, timeout.Round(time.Millisecond))
	}
	return m, nil
}

// open sends didOpen for each document.
func (s *session) open(docs []document) {
	for _, d := range docs {
		s.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": d.uri, "languageId": "dockerfile", "version": 1, "text": d.text}})
	}
}

// document is one the client opens.
type document struct{ uri, text string }

func fileURI(path string) string { return "file://" + path }

// quiet is how long the server must send nothing and use no CPU to count
// as done: its BuildKit phase and context loads run after the first
// publish, without a message to say they started.
const quiet = 600 * time.Millisecond

// settle waits until every document in docs has been published and the
// server has been quiet (no message, no CPU time) for quiet, and returns
// when its last activity was. It fails once deadline passes.
func (s *session) settle(docs []document, deadline time.Time) (time.Time, error) {
	var lastBusy time.Time
	ticks := cpuTicks(s.proc.Pid())
	for {
		now := time.Now()
		if t := cpuTicks(s.proc.Pid()); t != ticks {
			ticks, lastBusy = t, now
		}
		s.conn.Lock()
		last := s.conn.LastReceived()
		missing := s.unpublished(docs)
		readErr := s.conn.Err()
		s.conn.Unlock()
		if last.Before(lastBusy) {
			last = lastBusy
		}
		switch {
		case readErr != nil:
			return last, fmt.Errorf("the server's output ended (%v); stderr:\n%s", readErr, cmp.Or(crashed(s.stderr.String()), tail(s.stderr.String(), 10)))
		case len(missing) == 0 && now.Sub(last) >= quiet:
			return last, nil
		case now.After(deadline):
			why := "still busy"
			if len(missing) > 0 {
				why = "never published " + strings.Join(missing, ", ")
			}
			return last, fmt.Errorf("%s at the deadline (%.1f s of CPU used)", why, float64(ticks)/clockTicks)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// unpublished lists the documents without a publish; conn's lock held.
func (s *session) unpublished(docs []document) []string {
	var out []string
	for _, d := range docs {
		if s.published[d.uri] == 0 {
			out = append(out, d.uri)
		}
	}
	return out
}

// forbidden says which documents' last publish holds what.
func (s *session) forbidden(docs []document, what string) []string {
	s.conn.Lock()
	defer s.conn.Unlock()
	var out []string
	for _, d := range docs {
		if bytes.Contains(s.last[d.uri], []byte(what)) {
			out = append(out, fmt.Sprintf("the last publish of %s says %q", d.uri, what))
		}
	}
	return out
}

// hover asks for a hover at line, character of uri and says how long the
// answer took and how large it was.
func (s *session) hover(uri string, line, char int, timeout time.Duration) (time.Duration, int, error) {
	start := time.Now()
	m, err := s.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri},
		"position": map[string]any{"line": line, "character": char}}, timeout)
	if err != nil {
		return time.Since(start), 0, err
	}
	if m.Error != nil {
		return time.Since(start), 0, fmt.Errorf("hover answered an error: %d %s", m.Error.Code, m.Error.Message)
	}
	return time.Since(start), len(m.Result), nil
}

// stop sends shutdown and exit and waits for the process to end.
func (s *session) stop() error {
	if m, err := s.call("shutdown", nil, 5*time.Second); err != nil || m.Error != nil {
		return fmt.Errorf("shutdown: %v %+v", err, m.Error)
	}
	_ = s.conn.Notify("exit", nil)
	code, ok := s.proc.WaitExit(5 * time.Second)
	if !ok {
		return fmt.Errorf("still running 5 s after shutdown and exit")
	}
	if code != 0 {
		return fmt.Errorf("exit code %d after shutdown and exit", code)
	}
	return nil
}

// endInput closes the server's input and waits for the process to end,
// with status 0 or 1 (the protocol's for an exit without shutdown).
func (s *session) endInput() error {
	_ = s.proc.Stdin.Close()
	code, ok := s.proc.WaitExit(5 * time.Second)
	if !ok {
		return fmt.Errorf("still running 5 s after its input closed")
	}
	if code != 0 && code != 1 {
		return fmt.Errorf("exit code %d after its input closed", code)
	}
	return nil
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat times.
const clockTicks = 100

// cpuTicks is the CPU time (user and system) of pid and its descendants.
func cpuTicks(pid int) int64 {
	var sum int64
	for _, p := range processTree(pid) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		// The command name may hold spaces; fields count from after ")".
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			sum += u + st
		}
	}
	return sum
}

// processTree is pid and its descendants.
func processTree(pid int) []int {
	out := []int{pid}
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				out = append(out, processTree(child)...)
			}
		}
	}
	return out
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// flood sends n copies of a notification as fast as the pipe takes them,
// from one goroutine, a batch of frames a write, and says when it is
// done: the client's own cost is not the server's.
func (s *session) flood(method string, params any, n int) <-chan error {
	done := make(chan error, 1)
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	if err != nil {
		done <- err
		return done
	}
	const batch = 1000
	frames := bytes.Repeat(lspframe.Frame(body), batch)
	go func() {
		for sent := 0; sent < n; sent += batch {
			if err := s.conn.WriteRaw(frames[:len(frames)/batch*min(batch, n-sent)]); err != nil {
				done <- fmt.Errorf("after %d notifications: %w", sent, err)
				return
			}
		}
		done <- nil
	}()
	return done
}
