package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/lspframe"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"github.com/dockerfile-ls/dockerfile-ls/server"
)

// client drives server.Run in-process over pipes and records when each
// version of each document is published.
type client struct {
	w    io.WriteCloser
	mu   sync.Mutex
	cond *sync.Cond
	pubs map[string][]time.Time // "uri@version" → arrival times
	done bool
}

func start(tb testing.TB) *client {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan struct{})
	go func() {
		server.Run(ctx, inR, outW, slog.New(slog.DiscardHandler))
		outW.Close()
		close(exited)
	}()
	c := &client{w: inW, pubs: map[string][]time.Time{}}
	c.cond = sync.NewCond(&c.mu)
	go c.read(bufio.NewReader(outR))
	tb.Cleanup(func() {
		inW.Close()
		cancel()
		<-exited
	})
	return c
}

func (c *client) read(r *bufio.Reader) {
	defer func() { c.mu.Lock(); c.done = true; c.cond.Broadcast(); c.mu.Unlock() }()
	for {
		body, err := lspframe.Read(r)
		if err != nil {
			return
		}
		at := time.Now()
		var m struct {
			Method string `json:"method"`
			Params struct {
				URI     string `json:"uri"`
				Version *int   `json:"version"`
			} `json:"params"`
		}
		if json.Unmarshal(body, &m) != nil || m.Method != "textDocument/publishDiagnostics" || m.Params.Version == nil {
			continue
		}
		k := fmt.Sprintf("%s@%d", m.Params.URI, *m.Params.Version)
		c.mu.Lock()
		c.pubs[k] = append(c.pubs[k], at)
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

func (c *client) send(msg string) {
	_ = lspframe.Write(c.w, []byte(msg))
}

// wait returns the arrival of the nth publish of version.
func (c *client) wait(tb testing.TB, uri string, version, nth int) time.Time {
	k := fmt.Sprintf("%s@%d", uri, version)
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.pubs[k]) < nth {
		if c.done {
			tb.Fatalf("server ended before publish %d of %s", nth, k)
		}
		c.cond.Wait()
	}
	t := c.pubs[k][nth-1]
	if nth == 2 {
		delete(c.pubs, k)
	}
	return t
}

// typingSession opens a generated Dockerfile of lines lines in an
// in-process server, waits for its full publish, and returns the client and
// where to type: the end of the middle "RUN echo" line.
func typingSession(b *testing.B, lines int) (c *client, uri string, line, col int) {
	text := testgen.Dockerfile(lines, max(1, lines*110/2000))
	uri = "file:///bench/Dockerfile"
	c = start(b)
	c.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`)
	c.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	doc, _ := json.Marshal(text)
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + uri + `","languageId":"dockerfile","version":1,"text":` + string(doc) + `}}}`)
	c.wait(b, uri, 1, 2)
	ls := strings.Split(text, "\n")
	line = len(ls) / 2
	for !strings.HasPrefix(ls[line], "RUN echo") {
		line++
	}
	return c, uri, line, len(ls[line])
}

// keystroke is the didChange of version v, the i-th keystroke at line:col:
// a character typed on even i, deleted again on odd i.
func keystroke(uri string, v, i, line, col int) string {
	change := fmt.Sprintf(`{"range":{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}},"text":"x"}`, line, col, line, col)
	if i%2 == 1 {
		change = fmt.Sprintf(`{"range":{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}},"text":""}`, line, col, line, col+1)
	}
	return fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"%s","version":%d},"contentChanges":[%s]}}`, uri, v, change)
}

// benchmarkKeystroke types one character per iteration and waits for the
// full publish of each version before the next keystroke. It reports the
// mean time to the first (fast) publish and to the full publish.
func benchmarkKeystroke(b *testing.B, lines int) {
	c, uri, line, col := typingSession(b, lines)
	var fast, full time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := i + 2
		t0 := time.Now()
		c.send(keystroke(uri, v, i, line, col))
		fast += c.wait(b, uri, v, 1).Sub(t0)
		full += c.wait(b, uri, v, 2).Sub(t0)
	}
	b.StopTimer()
	b.ReportMetric(float64(fast.Microseconds())/float64(b.N)/1000, "ms-fast/op")
	b.ReportMetric(float64(full.Microseconds())/float64(b.N)/1000, "ms-full/op")
}

// sweep are the file sizes lspbench measures: most Dockerfiles are short
// (in the shared corpus of 2,779, the median is 26 lines and the 90th
// percentile 73), a few run to thousands.
var sweep = []int{20, 54, 200, 2000, 10000}

// BenchmarkServerKeystroke is the profiling target for issue 9:
//
//	go test -run '^$' -bench 'ServerKeystroke/10000' -benchtime 20x -cpuprofile cpu.out ./bench/
//	go tool pprof -top -cum bench.test cpu.out
func BenchmarkServerKeystroke(b *testing.B) {
	for _, lines := range []int{60, 2000, 10000} {
		b.Run(fmt.Sprintf("%dlines", lines), func(b *testing.B) { benchmarkKeystroke(b, lines) })
	}
}

// BenchmarkServerTyping types back to back, as lspbench does at pace 0:
// each keystroke is sent as soon as the first publish of the one before
// arrives, so the server's background work (BuildKit's pass) never gets a
// quiet moment. One keystroke per iteration; ns/op is didChange → first
// publish, through server.Run in-process (no process, no pipe to the
// kernel).
//
//	go test -run '^$' -bench 'ServerTyping/54lines' -benchtime 2000x -trace trace.out ./bench/
func BenchmarkServerTyping(b *testing.B) {
	for _, lines := range sweep {
		b.Run(fmt.Sprintf("%dlines", lines), func(b *testing.B) {
			c, uri, line, col := typingSession(b, lines)
			b.ReportAllocs()
			cpu := testgen.ProcessCPU()
			for i := 0; b.Loop(); i++ {
				v := i + 2
				c.send(keystroke(uri, v, i, line, col))
				c.wait(b, uri, v, 1)
			}
			b.ReportMetric(float64(testgen.ProcessCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkOpenDocument is the heap an open document keeps once analysed
// (its model, what the analysis memoised on it, its build state), without
// the server around it: 100 documents of 2,000 lines are parsed and
// analysed, and the live heap they add is divided among them.
func BenchmarkOpenDocument(b *testing.B) {
	const docs, lines = 100, 2000
	text := testgen.Dockerfile(lines, lines*110/2000)
	for b.Loop() {
		open := make([]*dockerfile.Document, docs)
		before := liveHeap()
		for i := range open {
			open[i] = dockerfile.Parse([]byte(text + fmt.Sprintf("# document %d\n", i)))
			diagnostics.Analyze(open[i], nil)
		}
		after := liveHeap()
		runtime.KeepAlive(open)
		b.ReportMetric((float64(after)-float64(before))/docs/(1<<20), "MiB-heap/doc")
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
