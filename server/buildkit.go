package server

import (
	"context"
	"runtime"
	"runtime/metrics"
	"runtime/trace"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// A BuildKit pass converts the whole file (about 100 ms for 2,000 lines,
// a few for 50) and allocates a lot; it cannot be stopped midway. One that
// starts between two keystrokes takes the CPU and the GC's time from the
// next one's findings, and its own are out of date at once. So a pass
// starts only once typing has paused, in every document, for a quiet
// period five times as long as the document's last pass took: a person
// types a key every 100 to 250 ms, so the passes of large files wait for
// a real pause (maxQuiet), while those of small ones, which cost next to
// nothing, wait minQuiet and show their findings soon after. A document
// without a pass yet waits maxQuiet. Tests change both.
var (
	minQuiet = 25 * time.Millisecond
	maxQuiet = 300 * time.Millisecond
)

// quietFactor is how many times its last pass a document waits.
const quietFactor = 5

// passQueue runs the session's BuildKit passes one at a time, across all
// documents: a document joins it when its version has been published
// without BuildKit's findings of its own, and its pass starts once no
// document has been edited for quietPeriod and every document's newest
// version has been published (a keystroke waiting for its findings goes
// first). An edit cancels its document's running pass (see
// document.cancelPass).
type passQueue struct {
	mu      sync.Mutex
	waiting []*document // oldest first
	// lastEdit is when a document was last edited (didChange).
	lastEdit time.Time
	// unpublished counts the documents whose newest version their worker
	// has not published yet.
	unpublished int
	wake        chan struct{} // capacity 1
	// minQuiet, maxQuiet, collectAfter and idleCollect when the session
	// started.
	minQuiet, maxQuiet, idleCollect time.Duration
	collectAfter                    float64
	// collect runs collectIfIdle once the session has been idle for
	// idleCollect; nil until first needed, and once the session ends.
	collect    *time.Timer
	ended      bool
	collecting atomic.Bool
}

func newPassQueue() *passQueue {
	return &passQueue{wake: make(chan struct{}, 1), minQuiet: minQuiet, maxQuiet: maxQuiet, idleCollect: idleCollect, collectAfter: collectAfter}
}

// quietFor is how long typing must pause before d's pass starts.
func (q *passQueue) quietFor(d *document) time.Duration {
	last := time.Duration(d.lastPass.Load())
	if last == 0 {
		return q.maxQuiet
	}
	return min(max(quietFactor*last, q.minQuiet), q.maxQuiet)
}

func (q *passQueue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// edited records an edit, which starts the quiet period again.
func (q *passQueue) edited(now time.Time) {
	if q == nil {
		return
	}
	q.mu.Lock()
	q.lastEdit = now
	q.mu.Unlock()
}

// addUnpublished counts n more (or fewer) documents with a version not
// published yet. Only the last publish can let a pass start, so only it
// wakes the queue: a keystroke's didChange, on the read loop, would
// otherwise make the queue's goroutine runnable ahead of the worker that
// publishes it, for nothing.
func (q *passQueue) addUnpublished(n int) {
	if q == nil {
		return
	}
	q.mu.Lock()
	q.unpublished += n
	if q.unpublished == 0 {
		q.collectLater()
	}
	caughtUp := q.unpublished == 0 && len(q.waiting) > 0
	q.mu.Unlock()
	if caughtUp {
		q.poke()
	}
}

// want queues d for a pass (once).
func (q *passQueue) want(d *document) {
	if q == nil {
		return
	}
	q.mu.Lock()
	if !slices.Contains(q.waiting, d) {
		q.waiting = append(q.waiting, d)
	}
	q.mu.Unlock()
	q.poke()
}

// next takes the document whose pass may start at now; when none may, it
// says how long to wait before asking again (0: until poked).
func (q *passQueue) next(now time.Time) (*document, time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiting) == 0 || q.unpublished > 0 {
		return nil, 0
	}
	d := q.waiting[0]
	if wait := q.quietFor(d) - now.Sub(q.lastEdit); wait > 0 {
		return nil, wait
	}
	q.waiting = slices.Delete(q.waiting, 0, 1)
	return d, 0
}

// runPasses runs the queue's passes until ctx is done.
func (s *Server) runPasses(ctx context.Context) {
	q := s.passes
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	defer q.end()
	for {
		d, wait := q.next(time.Now())
		if d != nil {
			if s.runPass(d) {
				q.mu.Lock()
				q.collectLater()
				q.mu.Unlock()
			}
			continue
		}
		var quiet <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			quiet = timer.C
		}
		select {
		case <-q.wake:
		case <-quiet:
		case <-ctx.Done():
			return
		}
	}
}

// runPass runs d's pass for its newest version, unless that version needs
// none: it has its findings, or it is not published yet (its worker queues
// it again once it is). A parked version is parsed again for it. It says
// whether the pass ran.
func (s *Server) runPass(d *document) bool {
	d.mu.Lock()
	latest := d.latest
	needed := d.passNeeded(latest)
	d.mu.Unlock()
	if !needed {
		return false
	}
	doc := latest.doc() // 10 ms for a parked 2,000-line document
	if !s.passes.caughtUp() {
		// A keystroke came meanwhile: its analysis goes first, and the
		// document waits for the next quiet period.
		s.passes.want(d)
		return false
	}
	d.mu.Lock()
	if !d.passNeeded(latest) {
		d.mu.Unlock()
		return false
	}
	pass := d.startPass()
	d.mu.Unlock()
	// Outside d.mu: the options take s.mu, and the lock order is s.mu
	// before d.mu (see snapshot).
	s.runBuildKit(pass, d, doc, s.buildKitOptions(d))
	return true
}

// caughtUp says that no document waits for its first publish.
func (q *passQueue) caughtUp() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.unpublished == 0
}

// collectAfter is the share of the GC's runway (how far the heap may grow
// before the next collection) at which the session collects as soon as it
// is idle. A keystroke's analysis, and even more a BuildKit pass, leave
// garbage behind: left to the pacer, the collection it calls for starts
// during a later keystroke, whose analysis then shares the cores with the
// marking and pays for part of it (assists). Collected while typing
// pauses, the keystrokes that follow start with the whole runway. A
// quarter, not more: the runtime triggers a collection at 70 to 95% of the
// runway as it counts the heap, which includes the free space of the spans
// each P holds, and runwayUsed does not see that space (up to a few
// hundred KB on a heap of 10 MiB); with half, a keystroke still started a
// collection 23 times in 96 (lspbench, 54 and 2,000 lines at 120 ms, load
// 36), with a quarter 15, for 5% more collections. Tests change it.
var collectAfter = 0.25

// idleCollect is how long the session stays idle (every version
// published, no edit, no pass running) before it collects: someone typing
// back to back sends the next key within a millisecond or two of the
// publish, and the collection would only overlap it; a longer pause leaves
// time for it. Tests change it.
var idleCollect = 5 * time.Millisecond

// collectLater (re)arms the idle collection; q.mu held.
func (q *passQueue) collectLater() {
	switch {
	case q.ended:
	case q.collect == nil:
		q.collect = time.AfterFunc(q.idleCollect, q.collectIfIdle)
	default:
		q.collect.Reset(q.idleCollect)
	}
}

// idle says whether, at now, every version is published and the last edit
// is idleCollect old.
func (q *passQueue) idle(now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.unpublished == 0 && now.Sub(q.lastEdit) >= q.idleCollect
}

// collectIfIdle collects when the session is idle and the heap has used
// collectAfter of its runway; one collection at a time, and one asked for
// while another runs is asked for again later, since what it is for (the
// last keystroke's or pass's garbage) may have come after the running one
// started.
func (q *passQueue) collectIfIdle() {
	if !q.idle(time.Now()) {
		return
	}
	if !q.collecting.CompareAndSwap(false, true) {
		q.mu.Lock()
		q.collectLater()
		q.mu.Unlock()
		return
	}
	defer q.collecting.Store(false)
	if runwayUsed() >= q.collectAfter {
		runtime.GC()
	}
}

// end stops the idle collection when the session ends.
func (q *passQueue) end() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ended = true
	if q.collect != nil {
		q.collect.Stop()
	}
}

// runwayUsed is the share of the GC's runway the heap has used since the
// last collection: the heap (live and not yet collected) above what the
// last collection left live, over the goal's margin above it.
func runwayUsed() float64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/goal:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	live, goal, heap := s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
	if heap <= live {
		return 0
	}
	if goal <= live {
		return 1
	}
	return float64(heap-live) / float64(goal-live)
}

// passNeeded says whether latest, d's newest version, still wants a pass;
// d.mu held.
func (d *document) passNeeded(latest *docVersion) bool {
	return d.latest == latest && latest.version == d.version && !d.closed && !d.buildkitFresh &&
		d.pass == nil && !d.slow && latest.raw == nil && !d.unpublished
}

// buildKitTime is budget.BuildKitTime, which a pass may take before its
// document is slow; tests shorten it.
var buildKitTime = budget.BuildKitTime

// buildkitPass is one run of BuildKit's checks for one version of a
// document; ctx is cancelled when its findings are no longer wanted.
type buildkitPass struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// startPass records a new pass as the document's running one; d.mu held.
func (d *document) startPass() *buildkitPass {
	ctx, cancel := context.WithCancel(context.Background())
	d.pass = &buildkitPass{ctx: ctx, cancel: cancel}
	return d.pass
}

// cancelPass stops the running pass, whose findings would be for an older
// text or older options; d.mu held.
func (d *document) cancelPass() {
	if d.pass != nil {
		d.pass.cancel()
		d.pass = nil
	}
}

// checksFunc runs BuildKit's checks for one pass.
type checksFunc = func(context.Context, *dockerfile.Document, diagnostics.BuildKitOptions) []diagnostics.Finding

// checksHook, when set, runs instead of BuildKit's checks: tests watch
// passes start and stop with it. Atomic, since passes of other sessions
// may be running when a test sets it.
var checksHook atomic.Pointer[checksFunc]

// buildKitChecks is what a pass runs: the pipeline's second phase. A
// cancelled pass gives nothing (its caller drops it anyway).
func buildKitChecks(ctx context.Context, doc *dockerfile.Document, opts diagnostics.BuildKitOptions) []diagnostics.Finding {
	if hook := checksHook.Load(); hook != nil {
		return (*hook)(ctx, doc, opts)
	}
	fs, err := analysis.BuildKit(ctx, doc, opts)
	if err != nil {
		return nil
	}
	return fs
}

// runBuildKit runs BuildKit's checks for the document's current version
// and hands the result to the worker, unless the pass was cancelled
// meanwhile: then its result is dropped, so it never overwrites newer
// findings.
func (s *Server) runBuildKit(pass *buildkitPass, d *document, doc *dockerfile.Document, opts diagnostics.BuildKitOptions) {
	var res []diagnostics.Finding
	slow := false
	func() {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("BuildKit checks panicked", "uri", d.uri, "panic", v)
			}
		}()
		if pass.ctx.Err() == nil {
			defer trace.StartRegion(pass.ctx, "buildkit").End()
			start := time.Now()
			res = buildKitChecks(pass.ctx, doc, opts)
			took := time.Since(start)
			slow = took > buildKitTime
			if pass.ctx.Err() == nil { // a cancelled pass may have ended early
				d.lastPass.Store(int64(took))
			}
		}
	}()
	pass.cancel() // releases the context's resources
	d.mu.Lock()
	d.slow = d.slow || slow // even when cancelled: the next pass would take as long
	current := d.pass == pass
	if current {
		d.pass = nil
		d.buildkit, d.buildkitFresh = res, true
	}
	d.mu.Unlock()
	if current {
		d.poke()
	}
}
