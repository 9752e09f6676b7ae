package server

import (
	"context"
	"runtime"
	"runtime/trace"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// document is an open file and the state of its analysis.
type document struct {
	uri  uri.URI
	wake chan struct{} // capacity 1: pokes coalesce, so only the newest version is analysed
	done chan struct{} // closed when the worker has stopped publishing

	s *Server // its session: parse logs and converts positions with it

	mu sync.Mutex
	// latest is the newest version the client sent, parsed or not (see
	// docVersion); version and doc are the newest parsed (nil before the
	// first parse), which the analysis and buildkit are of.
	latest   *docVersion
	version  int32
	doc      *dockerfile.Document
	closed   bool
	buildkit []diagnostics.Finding // BuildKit's findings, shifted to doc's text
	// buildkitFresh says buildkit was computed for this very version; when
	// false it was carried forward from an older one.
	buildkitFresh bool
	// pass is the BuildKit pass running for this version and these
	// options, nil when none is: an edit, new options or a close cancel
	// it and set it to nil, so a pass whose findings are out of date
	// stops at once, frees its slot and is never published.
	pass *buildkitPass
	// stopFast cancels the running analysis of the rules (see
	// fastContext), nil when none runs: a newer version or a close makes
	// its findings outdated.
	stopFast context.CancelFunc
	// stale: something besides the text changed since the last publish
	// (the build context loaded, the settings changed), so the same version
	// is worth analysing again.
	stale bool
	idle  *time.Timer // fires forgetWhenIdle's release
	// semantic is the last semantic tokens result sent, which
	// semanticTokens/full/delta answers with the difference from.
	semantic semanticResult
	// active: among the documents most recently opened or edited (see
	// Server.touch). What the analysis derives from the others is let go as
	// soon as their findings are out.
	active bool
	// parseMu makes one goroutine at a time parse the versions, in order.
	parseMu sync.Mutex
	// unpublished: the worker has not published the newest version yet
	// (see passQueue).
	unpublished bool
	passes      *passQueue // the session's, nil in unit tests
	// lastPass is how long the last BuildKit pass that ran to its end
	// took (a time.Duration; see passQueue.quietFor).
	lastPass atomic.Int64
	// slow: a BuildKit pass of this document took longer than
	// buildKitTime. Its conversion cannot be stopped midway, so it is not
	// run again while the document stays open: the findings of that pass
	// (with AnalysisBudget's, saying so) are carried forward instead.
	slow bool
}

func newDocument(u uri.URI, version int32, doc *dockerfile.Document) *document {
	d := &document{uri: u, version: version, doc: doc, wake: make(chan struct{}, 1), done: make(chan struct{})}
	d.latest = parsedVersion(d, version, doc)
	return d
}

// openDocument is a document the client opened with text, parsed when
// first needed.
func (s *Server) openDocument(u uri.URI, version int32, text []byte) *document {
	d := &document{s: s, uri: u, version: version, wake: make(chan struct{}, 1), done: make(chan struct{}), passes: s.passes}
	d.latest = &docVersion{d: d, version: version, text: text}
	d.setUnpublished(true)
	return d
}

// poke asks the worker to look at the document again.
func (d *document) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// setUnpublished records whether the newest version is yet to be
// published; d.mu held.
func (d *document) setUnpublished(v bool) {
	if d.unpublished == v {
		return
	}
	d.unpublished = v
	if v {
		d.passes.addUnpublished(1)
	} else {
		d.passes.addUnpublished(-1)
	}
}

func (d *document) close() {
	d.mu.Lock()
	d.closed = true
	d.setUnpublished(false)
	d.cancelPass()
	d.cancelFast()
	if d.idle != nil {
		d.idle.Stop()
	}
	d.mu.Unlock()
	d.poke()
}

// work is the document's only publisher, so what it publishes is always in
// version order: each round analyses the newest text, publishes the fast
// findings with the last BuildKit findings carried forward, and queues the
// document for a BuildKit pass when the version has none of its own yet.
func (s *Server) work(d *document) {
	defer close(d.done)
	w := &workerState{published: -1 << 31}
	for range d.wake {
		analysisSlots <- struct{}{}
		open := s.round(d, w)
		<-analysisSlots
		if !open {
			return
		}
	}
}

// workerState is what a document's worker remembers between rounds.
type workerState struct {
	published      int32                 // the version last published
	publishedFresh bool                  // with BuildKit's findings of its own
	fast           []diagnostics.Finding // the fast findings published for it
}

// round is one round of the worker: it parses the newest version,
// publishes what is news, and parks the document if it is not in use. It
// is false once the document is closed.
func (s *Server) round(d *document, w *workerState) bool {
	region := trace.StartRegion(context.Background(), "parse")
	latest := d.parseLatest()
	region.End()
	d.mu.Lock()
	closed, doc, version, buildkit, fresh := d.closed, d.doc, d.version, d.buildkit, d.buildkitFresh
	if d.latest != latest && !closed {
		d.mu.Unlock()
		return true // a newer version came meanwhile, and poked again
	}
	stale := d.stale
	d.stale = false
	wantPass := !fresh && d.pass == nil && !closed && !d.slow && latest.raw == nil
	d.mu.Unlock()
	if closed {
		if !s.clientSupports(pullSupported) {
			s.publish(d.uri, nil, nil, nil)
		}
		return false
	}
	// Publish a newer version, or this version again once BuildKit's
	// findings for it arrive; nothing else is news to the client.
	if version > w.published || (version == w.published && (stale || fresh && !w.publishedFresh)) {
		if !s.publishRound(d, latest, w, version != w.published || stale, buildkit, fresh && !w.publishedFresh) {
			return true // replaced while the rules ran: the newer version's round publishes
		}
		w.published, w.publishedFresh = version, fresh
		if fresh && doc != nil {
			d.forgetWhenIdle(doc)
		}
	}
	s.caughtUp(d, latest, wantPass)
	d.parkIfInactive()
	return true
}

// publishRound publishes latest's findings: the fast ones, computed again
// when analyse (only BuildKit's are new when the same version comes round
// again without going stale), with buildkit's; arrived says BuildKit's
// are new for this version. It is false, with nothing published, when a
// newer version or a close stopped the analysis.
func (s *Server) publishRound(d *document, latest *docVersion, w *workerState, analyse bool, buildkit []diagnostics.Finding, arrived bool) bool {
	st := s.settingsFor(d.path())
	if analyse {
		var fast []diagnostics.Finding
		ok := true
		trace.WithRegion(context.Background(), "fast", func() { fast, ok = s.fast(d, latest, st) })
		if !ok {
			return false
		}
		w.fast = fast
	}
	defer trace.StartRegion(context.Background(), "publish").End()
	doc := latest.doc()
	s.deliver(func() {
		s.publish(d.uri, &latest.version, doc, analysis.Assemble(doc, st, w.fast, buildkit))
	}, arrived)
	return true
}

// caughtUp: the worker has published latest. Unless a newer version came
// meanwhile, the document no longer holds BuildKit's passes back (see
// passQueue); with wantPass its version has no pass of its own yet, and it
// joins the queue.
func (s *Server) caughtUp(d *document, latest *docVersion, wantPass bool) {
	d.mu.Lock()
	if d.latest == latest {
		d.setUnpublished(false)
	}
	d.mu.Unlock()
	if wantPass {
		s.passes.want(d)
	}
}

// fast is the first phase's findings for d's parsed version v; a text too
// large to parse has one. ok is false when a newer version or a close
// stopped the rules midway.
func (s *Server) fast(d *document, v *docVersion, st config.Settings) (fs []diagnostics.Finding, ok bool) {
	if v.raw != nil {
		return []diagnostics.Finding{tooLargeToRead(v.raw)}, true
	}
	doc := v.doc()
	ctx, done := d.fastContext(v)
	defer done()
	fast, errs, err := analysis.FastContext(ctx, doc, s.buildContext(d, st), st)
	d.forgetInactive(doc)
	for _, err := range errs {
		s.log.Error("analysis failed", "uri", d.uri, "err", err)
	}
	return fast, err == nil
}

// fastContext is the context of the rules' analysis of v, done as soon
// as a newer version arrives or the document closes (cancelFast): typing
// then does not wait for the rules of a text already replaced. done ends
// it.
func (d *document) fastContext(v *docVersion) (ctx context.Context, done func()) {
	ctx, cancel := context.WithCancel(context.Background())
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.latest != v || d.closed {
		cancel()
	} else {
		d.stopFast = cancel // the worker analyses one version at a time
	}
	return ctx, func() {
		d.mu.Lock()
		d.stopFast = nil
		d.mu.Unlock()
		cancel()
	}
}

// cancelFast stops the running analysis of the rules, if any; d.mu held.
func (d *document) cancelFast() {
	if d.stopFast != nil {
		d.stopFast()
		d.stopFast = nil
	}
}

// parseLatest parses the newest version (unless the document is closed)
// and returns it.
func (d *document) parseLatest() *docVersion {
	d.mu.Lock()
	latest, closed := d.latest, d.closed
	d.mu.Unlock()
	if !closed {
		latest.doc()
	}
	return latest
}

// activeDocuments is how many of the most recently opened or edited
// documents keep what their analysis derived for the next keystroke (an
// editor shows a few files at once). The rest, most of what an editor has
// open, derive it again on their next edit: one analysis.
const activeDocuments = 4

// touch makes d, an open document just edited or read by a request, the
// newest active document, and lets the oldest go when there are more than
// activeDocuments.
func (s *Server) touch(d *document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs[d.uri] != d {
		return // closed meanwhile
	}
	s.dropActive(d)
	s.active = append(s.active, d)
	d.setActive(true)
	if len(s.active) > activeDocuments {
		s.active[0].setActive(false)
		s.active = slices.Delete(s.active, 0, 1)
	}
}

// untouch drops a closed document from the active ones.
func (s *Server) untouch(d *document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropActive(d)
}

// dropActive is untouch with s.mu held.
func (s *Server) dropActive(d *document) {
	s.active = slices.DeleteFunc(s.active, func(o *document) bool { return o == d })
}

// setActive marks d (in)active; an inactive one is parked at once, unless
// it is being parsed (an analysis running meanwhile forgets what it
// derived when it ends, see forgetInactive, and its worker parks it).
func (d *document) setActive(active bool) {
	d.mu.Lock()
	d.active = active
	latest := d.latest
	if !active {
		d.semantic = semanticResult{}
	}
	d.mu.Unlock()
	if !active {
		latest.park()
	}
}

// parkIfInactive parks the newest version (see docVersion.park) of a
// document not in use: most of what an editor has open. Its next edit or
// request parses it again: about 10 ms for 2,000 lines.
func (d *document) parkIfInactive() {
	d.mu.Lock()
	latest := d.latest
	d.mu.Unlock()
	latest.park()
}

// forgetInactive lets go of what the analysis derived from doc (see
// Document.Forget) unless the document is active.
func (d *document) forgetInactive(doc *dockerfile.Document) {
	d.mu.Lock()
	active := d.active
	d.mu.Unlock()
	if !active {
		doc.Forget()
	}
}

// idleRelease is how long a document stays unedited after its full publish
// before the server lets go of what the analysis derived from its
// instructions (Document.Forget; a 2,000-line file holds about 2.5 MB of
// it). With many files open for hours, only those being edited need it;
// the others derive it again if asked.
var idleRelease = 30 * time.Second

// forgetWhenIdle forgets what was derived from doc after idleRelease,
// unless an edit has replaced it by then.
func (d *document) forgetWhenIdle(doc *dockerfile.Document) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.idle != nil {
		d.idle.Stop()
	}
	var timer *time.Timer
	timer = time.AfterFunc(idleRelease, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if !d.closed && d.doc == doc {
			doc.Forget()
		}
		if d.idle == timer {
			d.idle = nil // the timer's function holds the old document
		}
	})
	d.idle = timer
}

// analysisSlots bounds the workers' rounds (parse, analysis, publish)
// running at once to the cores: opening a hundred files wakes a hundred
// workers, and more rounds than cores finish no sooner but hold all their
// models and working memory at the same time, before any is parked.
var analysisSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// path is the document's file path, or "" when it is not a file.
func (d *document) path() string {
	if !d.uri.IsFile() {
		return ""
	}
	return d.uri.FsPath()
}

// inputsChanged asks for a new analysis of the same text; with buildkit,
// BuildKit's checks run again too (their options may have changed).
func (d *document) inputsChanged(buildkit bool) {
	d.mu.Lock()
	d.stale = true
	if buildkit {
		d.buildkitFresh = false
		d.cancelPass()
	}
	d.mu.Unlock()
	d.poke()
}

// buildKitOptions are the build settings BuildKit's checks need for d.
func (s *Server) buildKitOptions(d *document) diagnostics.BuildKitOptions {
	st := s.settingsFor(d.path())
	return analysis.BuildKitOptions(st, s.buildContext(d, st))
}

// buildContext is the document's build context, or nil while it loads
// (the document is analysed again when the load ends) and for documents
// that are not files on disk.
func (s *Server) buildContext(d *document, st config.Settings) *buildcontext.Context {
	path := d.path()
	if path == "" {
		return nil
	}
	root := st.ContextRoot(path)
	snap, ready, err := s.contexts.Get(context.Background(), root, path)
	if err != nil {
		s.log.Debug("build context unavailable", "uri", d.uri, "err", err)
	}
	if ready != nil {
		// BuildKit's CopyIgnoredFile needs the ignore patterns too.
		s.contexts.AfterLoad(d, ready, func() { d.inputsChanged(true) })
	}
	if snap != nil {
		s.watchFallback(root)
	}
	return snap
}

// contextWait is how long a request waits for the first load of a build
// context: fixes need it, but an answer without them beats none.
const contextWait = 3 * time.Second

// buildContextWait is buildContext for requests (off the read loop): a
// context still loading for the first time is worth waiting a little for.
func (s *Server) buildContextWait(ctx context.Context, d *document, st config.Settings) *buildcontext.Context {
	if path := d.path(); path != "" {
		ctx, cancel := context.WithTimeout(ctx, contextWait)
		defer cancel()
		_, _ = s.contexts.Wait(ctx, st.ContextRoot(path), path) // buildContext reports the error
	}
	return s.buildContext(d, st)
}
