package server

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// The cache-history code lens (docs/history.md), on when the editor sets
// cacheHistory.codeLens: on each step, how often it re-ran over the last
// historyCommits commits that changed the build context, and what one
// re-run costs by the estimate. The forecast is cachehistory's replay,
// the one `cache --history` prints. It reads git with go-git (objects and
// references: no git process, so no hook, no configured program, and no
// network), in the background once a document has settled, one forecast
// at a time, and again when HEAD moves (history_head.go). A lens request
// reads the last forecast and never waits for one.

// historyCommits is how many commits the forecast replays, as
// `cache --history` does by default.
const historyCommits = 100

// historySettle is how long a document stays unchanged before its
// forecast is computed: typing schedules nothing but a timer.
var historySettle = 750 * time.Millisecond

// historyTimeout bounds one forecast, the wait for the build context
// included.
const historyTimeout = 2 * time.Minute

// historyOn reads the setting: off unless the editor turns it on.
func historyOn(st config.Settings) bool {
	return st.CacheHistory.CodeLens != nil && *st.CacheHistory.CodeLens
}

// historyLens is one server's forecasts, by document.
type historyLens struct {
	s    *Server
	slot chan struct{} // one forecast at a time

	mu      sync.Mutex
	entries map[uri.URI]*historyEntry
	gen     uint64 // moves with HEAD (history_head.go)
	heads   *headWatch
}

// history is s's forecasts, made on first use and closed with the
// connection.
func (s *Server) history() *historyLens {
	s.historyOnce.Do(func() {
		h := &historyLens{s: s, slot: make(chan struct{}, 1), entries: map[uri.URI]*historyEntry{}}
		s.historyForecasts = h
		if s.conn != nil {
			go func() {
				<-s.conn.Done()
				h.close()
			}()
		}
	})
	return s.historyForecasts
}

// historyKey says which forecast a document needs: its text, its
// settings, and HEAD's generation.
type historyKey struct {
	text     [sha256.Size]byte
	settings string
	gen      uint64
}

// historyEntry is one document's forecasts: the last one computed, the
// one wanted now, and the last one tried (a forecast that failed, outside
// a repository say, is not tried again until something changes).
type historyEntry struct {
	want, tried historyKey
	pending     *dockerfile.Document // want's document, until tried
	path        string
	settle      *time.Timer
	last        *historyForecast
}

// historyForecast is one document's replayed history.
type historyForecast struct {
	key     historyKey
	commits int                  // commits replayed
	steps   map[int]stepForecast // by 0-based line
	savings []fixSaving          // CopyBeforeInstall's fixes
}

// stepForecast is one step over the history; text is the instruction's,
// so that a lens is shown only where the document still says it.
type stepForecast struct {
	text            string
	reruns, depends int
	cost            cachehistory.Estimate
}

// forecast returns doc's last forecast (nil before the first) and, when
// it is not for this text, settings and HEAD, schedules the next one once
// the document settles.
func (h *historyLens) forecast(u uri.URI, path string, doc *dockerfile.Document, st config.Settings) *historyForecast {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := historyKey{text: sha256.Sum256(doc.Text), settings: settingsJSON(st), gen: h.gen}
	e := h.entries[u]
	if e == nil {
		e = &historyEntry{}
		h.entries[u] = e
	}
	if e.want == key && (e.pending != nil || e.tried == key) {
		return e.last
	}
	e.want, e.pending, e.path = key, doc, path
	if e.settle != nil {
		e.settle.Stop()
	}
	e.settle = time.AfterFunc(historySettle, func() { h.run(u, key, st) })
	return e.last
}

// run computes the forecast wanted for u, unless a newer one is wanted by
// the time its turn comes.
func (h *historyLens) run(u uri.URI, key historyKey, st config.Settings) {
	h.slot <- struct{}{}
	defer func() { <-h.slot }()
	h.mu.Lock()
	e := h.entries[u]
	if e == nil || e.want != key || e.pending == nil {
		h.mu.Unlock()
		return
	}
	doc, path := e.pending, e.path
	h.mu.Unlock()

	start := time.Now()
	fc, err := h.compute(path, doc, st)
	h.mu.Lock()
	e.tried = key
	if e.want == key {
		e.pending = nil // the model is let go
	}
	if err == nil {
		fc.key = key
		e.last = fc
	}
	h.mu.Unlock()
	if err != nil {
		h.s.log.Debug("no cache history forecast", "path", path, "err", err)
		return
	}
	h.s.log.Debug("cache history forecast", "path", path, "commits", fc.commits, "took", time.Since(start))
	h.s.sizeHintsRefresh.ask() // asks for code lenses again
}

// errNoContext: the build context could not be read (outside the
// workspace, unreadable): there is nothing to replay against.
var errNoContext = errors.New("the build context is unavailable")

// compute replays the history of the repository holding the build
// context against doc, as `cache --history` does, and what
// CopyBeforeInstall's fixes would have saved over it.
func (h *historyLens) compute(path string, doc *dockerfile.Document, st config.Settings) (*historyForecast, error) {
	ctx, cancel := context.WithTimeout(context.Background(), historyTimeout)
	defer cancel()
	root := st.ContextRoot(path)
	bctx, err := h.s.contexts.Wait(ctx, root, path)
	if err != nil || bctx == nil {
		return nil, fmt.Errorf("%w: %v", errNoContext, err)
	}
	repo, err := cachehistory.Open(root)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	h.watchHead(repo)
	layout, err := cachehistory.LayoutOf(repo, root, path)
	if err != nil {
		return nil, err
	}
	today := cachehistory.Build{Input: cache.Input{Doc: doc, Context: bctx, Target: st.Target, BuildArgs: st.BuildArgs}, Ignore: bctx}
	rp := &cachehistory.Replayer{Repo: repo, Layout: layout, Today: today}
	hist, err := rp.History(cachehistory.Query{Max: historyCommits})
	if err != nil {
		return nil, err
	}
	res, err := rp.Replay(hist, today)
	if err != nil {
		return nil, err
	}
	fc := &historyForecast{commits: len(hist.Commits), steps: map[int]stepForecast{}}
	for _, s := range res.Steps {
		fc.steps[s.Inst.Line] = stepForecast{text: instText(doc, s.Inst), reruns: s.Reruns, depends: s.Depends, cost: s.Cost}
	}
	fc.savings = copyFixSavings(ctx, rp, hist, res, st)
	return fc, nil
}

// instText is an instruction's text, as the document has it.
func instText(doc *dockerfile.Document, inst *dockerfile.Instruction) string {
	return string(doc.Text[inst.Span.Start:inst.Span.End])
}

// historyLenses are the lenses of the document at u as the request saw
// it: none while the setting is off, or before the first forecast; a step
// the document has changed since its forecast gets none until the next.
func (s *Server) historyLenses(ctx context.Context, u uri.URI) []protocol.CodeLens {
	doc := docAt(ctx, u)
	if doc == nil || !u.IsFile() {
		return nil
	}
	path := u.FsPath()
	st := s.settingsFor(path)
	if !historyOn(st) {
		return nil
	}
	fc := s.history().forecast(u, path, doc, st)
	if fc == nil || fc.commits == 0 {
		return nil // no commit has changed the build context yet: nothing to say
	}
	var out []protocol.CodeLens
	for _, stage := range doc.Stages {
		for _, inst := range stage.Instructions {
			sf, ok := fc.steps[inst.Line]
			if !ok || sf.cost.Kind == "config" || sf.text != instText(doc, inst) {
				continue
			}
			title, tip := sf.lens(fc.commits)
			out = append(out, protocol.CodeLens{Range: s.toRange(doc, inst.KeywordSpan), Command: protocol.Command{Title: title, Tooltip: &tip}})
		}
	}
	return out
}

// lens is the lens's title and tooltip for a step over commits.
func (sf stepForecast) lens(commits int) (title, tip string) {
	title = fmt.Sprintf("re-ran in %d of the last %d commits · ~%s each (estimate)", sf.reruns, commits, cachehistory.Duration(sf.cost.Seconds))
	tip = fmt.Sprintf("Forecast from the repository's history: of the last %d commits that changed a file the build reads, %d re-ran this step", commits, sf.reruns)
	if sf.depends > 0 {
		tip += fmt.Sprintf(", and %d more would have if another stage's output changed", sf.depends)
	}
	tip += fmt.Sprintf(". Each re-run is estimated at %s (%s; no build is measured).", cachehistory.Duration(sf.cost.Seconds), sf.cost.Kind)
	if sf.cost.CacheMount {
		tip += " Its cache mount is counted in full: a CI builder that starts empty starts with it empty."
	}
	return title, tip
}
