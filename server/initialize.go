package server

import (
	"context"
	"time"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// Initialize implements protocol.Server.
func (s *Server) Initialize(ctx context.Context, p *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	var offered []protocol.PositionEncodingKind
	if g := p.Capabilities.General; g != nil {
		offered = g.PositionEncodings
	}
	enc, kind := negotiateEncoding(offered)
	editor, err := parseSettings(p.InitializationOptions)
	if err != nil {
		s.log.Warn("ignoring malformed initializationOptions", "err", err)
	}
	s.mu.Lock()
	s.state = running
	s.encoding = enc
	s.clientCaps = p.Capabilities
	s.editor = editor
	s.mu.Unlock()
	if p.ProcessID != nil && *p.ProcessID > 0 {
		go s.watchParent(int(*p.ProcessID))
	}
	return &protocol.InitializeResult{
		Capabilities: capabilities(p.Capabilities, kind),
		ServerInfo:   protocol.ServerInfo{Name: "dockerfile-ls", Version: protocol.NewOptional(Version)},
	}, nil
}

// Initialized implements protocol.Server: now the server may ask the
// client things (off the read loop, since the answers come through it).
func (s *Server) Initialized(context.Context, *protocol.InitializedParams) error {
	go s.registerWatchers()
	if s.clientSupports(func(c protocol.ClientCapabilities) bool {
		return c.Workspace != nil && c.Workspace.Configuration != nil && *c.Workspace.Configuration
	}) {
		go s.pullSettings()
	}
	return nil
}

// negotiateEncoding picks UTF-8 when the client offers it (no conversion
// at all), else UTF-16, which every client supports.
func negotiateEncoding(offered []protocol.PositionEncodingKind) (textpos.Encoding, protocol.PositionEncodingKind) {
	for _, k := range offered {
		if k == protocol.PositionEncodingKindUTF8 {
			return textpos.UTF8, k
		}
	}
	return textpos.UTF16, protocol.PositionEncodingKindUTF16
}

// watchParent ends the session when the editor process that started us
// dies without closing our input (the specification asks servers to).
func (s *Server) watchParent(pid int) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.exited:
			return
		case <-t.C:
			if !alive(pid) {
				s.log.Info("client process is gone; exiting", "pid", pid)
				s.exitOnce.Do(func() { close(s.exited) })
				return
			}
		}
	}
}
