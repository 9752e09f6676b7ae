// Package server adapts the analysis packages to the Language Server
// Protocol. It holds no analysis of its own: it keeps the open documents,
// converts between LSP positions and byte offsets (through package textpos)
// and between findings and LSP diagnostics, and decides when to publish.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"github.com/dockerfile-ls/dockerfile-ls/lspstream"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// Version is the server's version, set by the binary.
var Version = "dev"

// lifecycle states of a connection, in order.
type lifecycle int

const (
	uninitialized lifecycle = iota
	running
	shuttingDown
)

// Server is one LSP session.
type Server struct {
	protocol.UnimplementedServer

	log    *slog.Logger
	conn   jsonrpc2.Conn
	client protocol.Client

	mu       sync.Mutex
	state    lifecycle
	encoding textpos.Encoding
	docs     map[uri.URI]*document
	inFlight sync.Map // jsonrpc2.ID → context.CancelFunc of a running request
	contexts *buildcontext.Cache
	// clientCaps are what the client declared in initialize.
	clientCaps protocol.ClientCapabilities
	// editor are the settings the editor gave, by source, and their
	// merge (settings.go).
	editor editorSources
	// watchers are our own build-context watchers, by root, for clients
	// that cannot watch files (ownWatch: one that refused to).
	watchers map[string]io.Closer
	ownWatch bool
	// projects reads .dockerfile-ls.yaml (and compose/bake files) once per
	// file, until a watched-file event says it changed.
	projects *config.Loader
	warned   map[string]bool
	// roots are the workspace folders (see stopSearch).
	roots []string
	// retired holds, per URI, the done channel of the worker of a closed
	// document, until the file is opened again.
	retired map[uri.URI]chan struct{}
	// active are the documents most recently opened or edited, the newest
	// last (see touch).
	active   []*document
	exitCode int
	exited   chan struct{}
	exitOnce sync.Once
	// The requests to the client that may go unanswered, one at a time
	// each: workspace/configuration, and the refreshes of size hints and
	// of pulled diagnostics.
	pulls, sizeHintsRefresh, diagnosticsRefresh coalesced
	// passes runs BuildKit's passes, one at a time.
	passes *passQueue
	// historyLenses are the cache-history forecasts, made on first use
	// (history.go).
	historyOnce      sync.Once
	historyForecasts *historyLens
	// allowed spares the keystrokes a check of the build context's scope
	// (see allowContext).
	allowed allowMemo
}

// Run serves LSP on in/out until the client sends exit, closes the input,
// or (when it told us its process id) dies. It returns the process exit
// code: 0 after a shutdown request, 1 otherwise, as the specification says.
func Run(ctx context.Context, in io.Reader, out io.WriteCloser, log *slog.Logger) int {
	s := &Server{log: log, docs: map[uri.URI]*document{}, exitCode: 1, exited: make(chan struct{}), contexts: buildcontext.NewCache(), watchers: map[string]io.Closer{},
		projects: &config.Loader{}, warned: map[string]bool{}, retired: map[uri.URI]chan struct{}{}, passes: newPassQueue()}
	s.pulls.do, s.sizeHintsRefresh.do, s.diagnosticsRefresh.do = s.pullOnce, s.refreshSizes, s.refreshDiagnostics
	s.projects.Warn = s.warnOnce
	s.projects.Stop = s.stopSearch
	s.contexts.Allow = s.allowContext
	defer s.contexts.Close()
	s.conn = jsonrpc2.NewConn(lspstream.New(in, out, log), jsonrpc2.WithCodec(protocolCodec{}))
	s.client = protocol.ClientDispatcher(s.conn)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.runPasses(ctx)
	s.conn.Go(ctx, s.handler())
	select {
	case <-s.conn.Done():
		if err := s.conn.Err(); err != nil {
			log.Info("connection ended", "err", err)
		}
	case <-s.exited:
	case <-ctx.Done():
	}
	s.closeAll()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range s.watchers {
		_ = w.Close()
	}
	return s.exitCode
}

// protocolCodec marshals with the protocol package's union-aware codec, as
// protocol.NewServer does (its codec type is not exported).
type protocolCodec struct{}

// errTooLarge: a message the server would write is over
// budget.MaxResponse.
var errTooLarge = errors.New("message over the response budget")

// Marshal refuses a message over budget.MaxResponse: jsonrpc2 then answers
// the request with an internal error, and a notification is not sent (its
// sender logs why). Every message the server writes goes through here.
func (protocolCodec) Marshal(v any) ([]byte, error) {
	b, err := protocol.Marshal(v)
	if err == nil && len(b) > budget.MaxResponse {
		return nil, fmt.Errorf("%w: %d MiB, over %d MiB", errTooLarge, len(b)>>20, budget.MaxResponse>>20)
	}
	return b, err
}

func (protocolCodec) Unmarshal(data []byte, v any) error { return protocol.Unmarshal(data, v) }

// handler wraps protocol's dispatcher with what jsonrpc2 leaves to us: the
// lifecycle rules, $/cancelRequest, and never letting one bad message end
// the connection (jsonrpc2 closes it on a handler panic or on an error
// returned for a notification).
func (s *Server) handler() jsonrpc2.Handler {
	dispatch := protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler)
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.Method() == protocol.MethodCancelRequest {
			s.cancelRequest(req)
			return nil, nil
		}
		if !req.IsCall() {
			return s.guard(ctx, ctx, req, dispatch)
		}
		// The request context jsonrpc2 passes is pooled and reused once the
		// handler returns, and a request's work may outlive its answer (see
		// answer): it runs on a context of its own, which $/cancelRequest
		// cancels.
		work, cancel := context.WithCancel(context.Background())
		s.inFlight.Store(req.ID(), cancel)
		defer func() {
			s.inFlight.Delete(req.ID())
			cancel()
		}()
		return s.guard(ctx, work, req, dispatch)
	}
}

func (s *Server) cancelRequest(req *jsonrpc2.Request) {
	var p protocol.CancelParams
	if err := protocol.Unmarshal(req.Params(), &p); err != nil {
		s.log.Warn("ignoring malformed $/cancelRequest", "err", err)
		return
	}
	var id jsonrpc2.ID
	switch v := p.ID.(type) {
	case protocol.Integer:
		id = jsonrpc2.NewNumberID(int64(v))
	case protocol.String:
		id = jsonrpc2.NewStringID(string(v))
	default:
		return
	}
	if cancel, ok := s.inFlight.Load(id); ok {
		cancel.(context.CancelFunc)()
	}
}

// guard dispatches req: ctx is jsonrpc2's for it, work the context the
// handler runs on (the same for a notification).
func (s *Server) guard(ctx, work context.Context, req *jsonrpc2.Request, dispatch jsonrpc2.Handler) (result any, err error) {
	method := req.Method()
	defer func() {
		if v := recover(); v != nil {
			result, err = nil, s.panicked(method, v)
		}
		if !req.IsCall() {
			switch {
			case err != nil && strings.HasPrefix(method, "$/"):
				s.log.Debug("ignored notification", "method", method)
			case err != nil:
				s.log.Warn("notification failed", "method", method, "err", err)
			}
			result, err = nil, nil
		}
	}()
	if err := s.admit(method, req.IsCall()); err != nil {
		return nil, err
	}
	if req.IsCall() && method != protocol.MethodInitialize && method != protocol.MethodShutdown {
		// Answer requests off the read loop so that a later $/cancelRequest
		// can reach them; they see the documents as they were on arrival.
		work = withSnapshot(work, s.snapshot())
		jsonrpc2.Async(ctx)
		result, err = s.answer(work, req.Clone(), dispatch)
	} else {
		result, err = dispatch(work, req)
	}
	if errors.Is(err, jsonrpc2.ErrParse) {
		err = jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params for %s: %v", method, err)
	}
	if err == nil && work.Err() != nil && req.IsCall() {
		err = protocol.ErrRequestCancelled
	}
	return result, err
}

// answer runs a request's handler and returns what it returns, or
// RequestCancelled as soon as ctx is cancelled: a long request (the
// analysis of a large file, its parse) then ends in the background, and
// what it finds is dropped. req must be the handler's own (Clone): it is
// read after jsonrpc2 recycles the original.
func (s *Server) answer(ctx context.Context, req *jsonrpc2.Request, dispatch jsonrpc2.Handler) (any, error) {
	type answered struct {
		result any
		err    error
	}
	done := make(chan answered, 1)
	go func() {
		var a answered
		defer func() {
			if v := recover(); v != nil {
				a = answered{err: s.panicked(req.Method(), v)}
			}
			done <- a
		}()
		a.result, a.err = dispatch(ctx, req)
	}()
	select {
	case a := <-done:
		return a.result, a.err
	case <-ctx.Done():
		return nil, protocol.ErrRequestCancelled
	}
}

// panicked logs a handler's panic and is the error it answers with.
func (s *Server) panicked(method string, v any) error {
	s.log.Error("handler panicked", "method", method, "panic", v, "stack", string(debug.Stack()))
	return jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, v)
}

// admit applies the lifecycle: nothing but initialize before it, nothing
// but exit after shutdown.
func (s *Server) admit(method string, isCall bool) error {
	s.mu.Lock()
	state := s.state
	s.mu.Unlock()
	switch {
	case method == protocol.MethodExit:
		return nil
	case state == uninitialized && method != protocol.MethodInitialize:
		if isCall {
			return jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "the server is not initialized")
		}
		return errors.New("notification before initialize ignored")
	case state == running && method == protocol.MethodInitialize:
		return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize was already received")
	case state == shuttingDown:
		if isCall {
			return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the server is shutting down")
		}
		return errors.New("notification after shutdown ignored")
	}
	return nil
}

// Shutdown implements protocol.Server.
func (s *Server) Shutdown(context.Context) error {
	s.mu.Lock()
	s.state = shuttingDown
	s.exitCode = 0
	s.mu.Unlock()
	s.closeAll()
	return nil
}

// Exit implements protocol.Server.
func (s *Server) Exit(context.Context) error {
	s.exitOnce.Do(func() { close(s.exited) })
	return nil
}

// Request answers methods the protocol package does not know; "$/"
// notifications may be ignored, as the specification allows.
func (s *Server) Request(_ context.Context, method string, _ any) (any, error) {
	return nil, fmt.Errorf("%q: %w", method, jsonrpc2.ErrMethodNotFound)
}
