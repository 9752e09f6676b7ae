package server

import (
	"context"
	"runtime"
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
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
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
	d := &document{s: s, uri: u, version: version, wake: make(chan struct{}, 1), done: make(chan struct{})}
	d.latest = &docVersion{d: d, version: version, text: text}
	return d
}

// poke asks the worker to look at the document again.
func (d *document) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *document) close() {
	d.mu.Lock()
	d.closed = true
	d.cancelPass()
	if d.idle != nil {
		d.idle.Stop()
	}
	d.mu.Unlock()
	d.poke()
}

// work is the document's only publisher, so what it publishes is always in
// version order: each round analyses the newest text, publishes the fast
// findings with the last BuildKit findings carried forward, and starts the
// BuildKit pass off this path when the version has none of its own yet.
func (s *Server) work(d *document) {
	defer close(d.done)
	published, publishedFresh := int32(-1<<31), false
	var fast []diagnostics.Finding // the fast findings published for version published
	for range d.wake {
		latest := d.parseLatest()
		d.mu.Lock()
		closed, doc, version, buildkit, fresh := d.closed, d.doc, d.version, d.buildkit, d.buildkitFresh
		if d.latest != latest && !closed {
			d.mu.Unlock()
			continue // a newer version came meanwhile, and poked again
		}
		stale := d.stale
		d.stale = false
		var pass *buildkitPass
		if !fresh && d.pass == nil && !closed && !d.slow && latest.raw == nil {
			pass = d.startPass()
		}
		d.mu.Unlock()
		// The BuildKit pass starts after this round's fast publish: on two
		// cores it would otherwise take the CPU (and the GC's time) from
		// the findings the user is waiting for. Outside d.mu: the options
		// take s.mu, and the lock order is s.mu before d.mu (see snapshot).
		startBuildKit := func() {
			if pass != nil {
				go s.runBuildKit(pass, d, doc, s.buildKitOptions(d))
			}
		}
		if closed {
			if !s.clientSupports(pullSupported) {
				s.publish(d.uri, nil, nil, nil)
			}
			return
		}
		// Publish a newer version, or this version again once BuildKit's
		// findings for it arrive; nothing else is news to the client.
		if version < published || (version == published && (!fresh || publishedFresh) && !stale) {
			startBuildKit()
			continue
		}
		st := s.settingsFor(d.path())
		// Only BuildKit's findings are new when the same version comes
		// round again without going stale: the fast ones still hold.
		if version != published || stale {
			fast = s.fast(d, latest, st)
		}
		s.deliver(func() {
			s.publish(d.uri, &version, doc, analysis.Assemble(doc, st, fast, buildkit))
		}, fresh && !publishedFresh)
		published, publishedFresh = version, fresh
		startBuildKit()
		if fresh {
			d.forgetWhenIdle(doc)
		}
	}
}

// fast is the first phase's findings for d's parsed version v; a text too
// large to parse has one.
func (s *Server) fast(d *document, v *docVersion, st config.Settings) []diagnostics.Finding {
	if v.raw != nil {
		return []diagnostics.Finding{tooLargeToRead(v.raw)}
	}
	doc := v.parsed.Load()
	analysisSlots <- struct{}{}
	defer func() { <-analysisSlots }()
	fast, errs := analysis.Fast(doc, s.buildContext(d, st), st)
	d.forgetInactive(doc)
	for _, err := range errs {
		s.log.Error("analysis failed", "uri", d.uri, "err", err)
	}
	return fast
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

// touch makes d the newest active document, and lets the oldest go when
// there are more than activeDocuments.
func (s *Server) touch(d *document) {
	s.mu.Lock()
	defer s.mu.Unlock()
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

// setActive marks d (in)active; an inactive one forgets at once what was
// derived from its current version (an analysis running meanwhile
// forgets when it ends, see forgetInactive).
func (d *document) setActive(active bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.active = active
	if !active {
		if d.doc != nil {
			d.doc.Forget()
		}
		d.semantic = semanticResult{}
	}
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

// analysisSlots bounds the fast analyses running at once to the cores:
// opening a hundred files wakes a hundred workers, and more analyses than
// cores finish no sooner but hold all their working memory at the same
// time.
var analysisSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// buildKitSlots bounds the BuildKit passes running at once.
var buildKitSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))

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
		// One pass per core at a time: each converts the whole file and
		// allocates a lot; a hundred open files must not run a hundred.
		select {
		case buildKitSlots <- struct{}{}:
			defer func() { <-buildKitSlots }()
		case <-pass.ctx.Done():
			return
		}
		if pass.ctx.Err() == nil {
			start := time.Now()
			res = buildKitChecks(pass.ctx, doc, opts)
			slow = time.Since(start) > buildKitTime
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
