package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// passOver is a checks hook whose one finding names the text it ran on.
func passOver(ctx context.Context, doc *dockerfile.Document, _ diagnostics.BuildKitOptions) []diagnostics.Finding {
	return []diagnostics.Finding{{Rule: "ConsistentInstructionCasing", Category: diagnostics.BuildKit, Severity: diagnostics.Warning,
		Span: dockerfile.Span{Start: 0, End: 4}, Message: "pass over " + strings.ReplaceAll(strings.TrimSpace(string(doc.Text)), "\n", " ")}}
}

// useChecks makes every pass run hook until the test ends.
func useChecks(t *testing.T, hook checksFunc) {
	checksHook.Store(&hook)
	t.Cleanup(func() { checksHook.Store(nil) })
}

// withQuietPeriod makes every quiet period d in the sessions the test
// starts.
func withQuietPeriod(t *testing.T, d time.Duration) {
	oldMin, oldMax := minQuiet, maxQuiet
	minQuiet, maxQuiet = d, d
	t.Cleanup(func() { minQuiet, maxQuiet = oldMin, oldMax })
}

func didChange(uri string, version int, change string) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%q,"version":%d},"contentChanges":[%s]}}`, uri, version, change)
}

func insertAt(line, char int, text string) string {
	return fmt.Sprintf(`{"range":{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}},"text":%q}`, line, char, line, char, text)
}

// TestPassWaitsForQuiet: while a person types, no BuildKit pass starts;
// the pass of the last version starts once typing has paused for the
// quiet period, and its findings are published.
func TestPassWaitsForQuiet(t *testing.T) {
	withQuietPeriod(t, time.Second)
	var mu sync.Mutex
	var starts []time.Time
	useChecks(t, func(ctx context.Context, doc *dockerfile.Document, opts diagnostics.BuildKitOptions) []diagnostics.Finding {
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
		return passOver(ctx, doc, opts)
	})
	c := startSession(t)
	const docURI = "untitled:Dockerfile"
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + docURI + `","languageId":"dockerfile","version":1,"text":"FROM alpine\n"}}}`)
	publishWith(t, c, 1, "pass over FROM alpine", "\x00") // nothing was typed yet: no wait
	var lastEdit time.Time
	for v := 2; v <= 11; v++ {
		lastEdit = time.Now() // the server's clock starts after this
		c.send(didChange(docURI, v, insertAt(0, 11, "x")))
		time.Sleep(20 * time.Millisecond)
	}
	publishWith(t, c, 11, "pass over FROM alpinexxxxxxxxxx", "\x00")
	mu.Lock()
	defer mu.Unlock()
	if len(starts) != 2 {
		t.Fatalf("%d passes, want 2 (the opened version's and the last one's)", len(starts))
	}
	if waited := starts[1].Sub(lastEdit); waited < time.Second {
		t.Errorf("the pass started %v after the last keystroke, within the quiet period", waited)
	}
}

// TestPassesOneAtATime: the passes of several documents run one after the
// other, never side by side.
func TestPassesOneAtATime(t *testing.T) {
	var running, most atomic.Int32
	useChecks(t, func(ctx context.Context, doc *dockerfile.Document, opts diagnostics.BuildKitOptions) []diagnostics.Finding {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(30 * time.Millisecond)
		return passOver(ctx, doc, opts)
	})
	c := startSession(t)
	for i := range 4 {
		c.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:%d","languageId":"dockerfile","version":1,"text":"FROM alpine AS s%d\n"}}}`, i, i))
	}
	seen := map[string]bool{}
	timeout := time.After(10 * time.Second)
	for len(seen) < 4 {
		select {
		case m := <-c.out:
			if p := string(m["params"]); strings.Contains(p, "pass over") {
				seen[p[strings.Index(p, "pass over"):][:len("pass over FROM alpine AS s0")]] = true
			}
		case <-timeout:
			t.Fatalf("BuildKit's findings published for %d documents of 4", len(seen))
		}
	}
	if n := most.Load(); n != 1 {
		t.Errorf("%d passes ran at once, want 1", n)
	}
}

// TestPassWaitsForPublish: a pass does not start while a document's newest
// version waits for its first publish, however long typing has paused.
func TestPassWaitsForPublish(t *testing.T) {
	q := newPassQueue()
	q.minQuiet, q.maxQuiet = time.Second, time.Second
	d := &document{}
	q.want(d)
	now := time.Now()
	q.edited(now)
	if got, wait := q.next(now.Add(time.Second / 4)); got != nil || wait != time.Second*3/4 {
		t.Errorf("within the quiet period: %v, wait %v; want nothing, wait %v", got, wait, time.Second*3/4)
	}
	q.addUnpublished(1)
	if got, wait := q.next(now.Add(2 * time.Second)); got != nil || wait != 0 {
		t.Errorf("a pass may start while a version waits for its publish (wait %v)", wait)
	}
	q.addUnpublished(-1)
	if got, _ := q.next(now.Add(2 * time.Second)); got != d {
		t.Errorf("after the quiet period, with every version published: %v, want the document", got)
	}
	if got, _ := q.next(now.Add(2 * time.Second)); got != nil {
		t.Errorf("the document was handed out twice")
	}
}

// TestQuietScalesWithPass: a document whose pass is cheap waits a short
// quiet period, one whose pass is long (or not known yet) the longest.
func TestQuietScalesWithPass(t *testing.T) {
	q := newPassQueue()
	q.minQuiet, q.maxQuiet = 25*time.Millisecond, 300*time.Millisecond
	for _, c := range []struct{ last, want time.Duration }{
		{0, 300 * time.Millisecond},
		{2 * time.Millisecond, 25 * time.Millisecond},
		{20 * time.Millisecond, 100 * time.Millisecond},
		{100 * time.Millisecond, 300 * time.Millisecond},
	} {
		d := &document{}
		d.lastPass.Store(int64(c.last))
		if got := q.quietFor(d); got != c.want {
			t.Errorf("after a pass of %v: quiet %v, want %v", c.last, got, c.want)
		}
	}
}

// buildKitLines is the first lines of the BuildKit findings "pass over"
// in a publish's params.
func buildKitLines(t *testing.T, params json.RawMessage) []int {
	t.Helper()
	var p struct {
		Diagnostics []struct {
			Message string `json:"message"`
			Range   struct {
				Start struct{ Line int } `json:"start"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, d := range p.Diagnostics {
		if strings.HasPrefix(d.Message, "pass over") {
			lines = append(lines, d.Range.Start.Line)
		}
	}
	return lines
}

// TestBuildKitFindingsMoveWithEdits: until the pass of the newest version
// lands, the publishes carry BuildKit's earlier findings moved with the
// edits, and drop those an edit touched.
func TestBuildKitFindingsMoveWithEdits(t *testing.T) {
	withQuietPeriod(t, time.Hour) // no pass but the opened version's
	useChecks(t, func(ctx context.Context, doc *dockerfile.Document, opts diagnostics.BuildKitOptions) []diagnostics.Finding {
		fs := passOver(ctx, doc, opts)
		fs[0].Span = dockerfile.Span{Start: 12, End: 15} // "RUN" on line 1
		return fs
	})
	c := startSession(t)
	const docURI = "untitled:Dockerfile"
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + docURI + `","languageId":"dockerfile","version":1,"text":"FROM alpine\nRUN true\n"}}}`)
	publishWith(t, c, 1, "pass over", "\x00")
	c.send(didChange(docURI, 2, insertAt(0, 0, "# a comment\n")))
	if got := buildKitLines(t, c.waitPublish(t, 2, false)); len(got) != 1 || got[0] != 2 {
		t.Errorf("after a line was added above it, BuildKit's finding is on lines %v, want [2]", got)
	}
	c.send(didChange(docURI, 3, insertAt(2, 1, "x")))
	if got := buildKitLines(t, c.waitPublish(t, 3, false)); len(got) != 0 {
		t.Errorf("an edit inside BuildKit's finding kept it (lines %v)", got)
	}
}

// TestEditLeavesPassQueueAsleep: an edit does not wake the queue's
// goroutine (no pass can start before its publish); the publish that
// leaves nothing unpublished does, when a document waits for a pass.
func TestEditLeavesPassQueueAsleep(t *testing.T) {
	q := newPassQueue()
	woken := func() bool {
		select {
		case <-q.wake:
			return true
		default:
			return false
		}
	}
	q.addUnpublished(1)
	if woken() {
		t.Error("an edit woke the pass queue")
	}
	q.addUnpublished(-1)
	if woken() {
		t.Error("a publish woke the pass queue with no document waiting for a pass")
	}
	q.want(&document{})
	woken()
	q.addUnpublished(1)
	q.addUnpublished(1)
	q.addUnpublished(-1)
	if woken() {
		t.Error("a publish woke the pass queue while another document waits for its publish")
	}
	q.addUnpublished(-1)
	if !woken() {
		t.Error("the last publish did not wake the pass queue")
	}
}

// forcedCollections is how many collections runtime.GC has started.
func forcedCollections() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestIdleCollection: once every version is published and typing has
// paused for idleCollect, the session collects what the keystrokes and the
// passes left, so that the collection does not fall on a later keystroke.
func TestIdleCollection(t *testing.T) {
	oldAfter, oldIdle := collectAfter, idleCollect
	collectAfter, idleCollect = 0, time.Millisecond // whatever the heap
	t.Cleanup(func() { collectAfter, idleCollect = oldAfter, oldIdle })
	withQuietPeriod(t, time.Hour) // no pass but the opened version's
	useChecks(t, passOver)
	c := startSession(t)
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:Dockerfile","languageId":"dockerfile","version":1,"text":"FROM alpine\n"}}}`)
	before := forcedCollections()
	publishWith(t, c, 1, "pass over FROM alpine", "\x00")
	waitCollection(t, before, "after the pass")
	before = forcedCollections()
	c.send(didChange("untitled:Dockerfile", 2, insertAt(0, 11, "x")))
	c.waitPublish(t, 2, false)
	waitCollection(t, before, "once typing paused")
}

// waitCollection waits for a collection forced after before's count.
func waitCollection(t *testing.T, before uint64, when string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); forcedCollections() == before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no collection " + when)
		}
	}
}

// TestIdleWaitsForTyping: the session is not idle while a version waits
// for its publish, nor within idleCollect of the last edit.
func TestIdleWaitsForTyping(t *testing.T) {
	q := newPassQueue()
	q.idleCollect = 5 * time.Millisecond
	now := time.Now()
	q.edited(now)
	if q.idle(now.Add(time.Millisecond)) {
		t.Error("idle 1 ms after an edit")
	}
	if !q.idle(now.Add(5 * time.Millisecond)) {
		t.Error("not idle idleCollect after the last edit")
	}
	q.addUnpublished(1)
	if q.idle(now.Add(time.Second)) || q.caughtUp() {
		t.Error("idle while a version waits for its publish")
	}
	q.end()
}

// TestPassYieldsToKeystroke: a pass whose document had to be parsed again
// first does not start when a keystroke came meanwhile; its document waits
// for the next quiet period.
func TestPassYieldsToKeystroke(t *testing.T) {
	var ran atomic.Bool
	useChecks(t, func(ctx context.Context, doc *dockerfile.Document, opts diagnostics.BuildKitOptions) []diagnostics.Finding {
		ran.Store(true)
		return passOver(ctx, doc, opts)
	})
	s := &Server{log: slog.New(slog.DiscardHandler), passes: newPassQueue(), projects: &config.Loader{}}
	d := newDocument("untitled:Dockerfile", 1, dockerfile.Parse([]byte("FROM alpine\n")))
	d.s, d.passes = s, s.passes
	s.passes.addUnpublished(1) // another document's keystroke
	if s.runPass(d) || ran.Load() {
		t.Error("the pass ran while a keystroke waited for its publish")
	}
	s.passes.addUnpublished(-1)
	if got, _ := s.passes.next(time.Now().Add(time.Hour)); got != d {
		t.Fatalf("the document is not queued again (next: %v)", got)
	}
	if !s.runPass(d) || !ran.Load() {
		t.Error("the pass did not run once every version was published")
	}
}
