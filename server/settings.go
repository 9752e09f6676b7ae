package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/config"
)

// settingsSection is the section the server asks workspace/configuration
// for, and the key it looks for in didChangeConfiguration and
// initializationOptions.
const settingsSection = "dockerfile-ls"

// editorSettings is the JSON an editor sends: config.Settings' fields,
// with "sizes" given either as a string or as {"display": "..."} (VS
// Code's nested setting).
type editorSettings struct {
	config.Settings
	Sizes json.RawMessage `json:"sizes,omitempty"`
}

// parseSettings reads editor settings, accepting them bare or wrapped in
// {"dockerfile-ls": {...}}. Empty input gives the zero Settings.
func parseSettings(raw []byte) (config.Settings, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return config.Settings{}, nil
	}
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return config.Settings{}, err
	}
	if inner, ok := wrapped[settingsSection]; ok {
		raw = inner
	}
	var es editorSettings
	if err := json.Unmarshal(raw, &es); err != nil {
		return config.Settings{}, err
	}
	s := es.Settings
	var display struct{ Display string }
	switch {
	case json.Unmarshal(es.Sizes, &s.Sizes) == nil:
	case json.Unmarshal(es.Sizes, &display) == nil:
		s.Sizes = display.Display
	}
	return s, nil
}

// setEditorSettings records new editor settings and re-analyses every open
// document with them.
func (s *Server) setEditorSettings(st config.Settings) {
	s.mu.Lock()
	s.editor = st
	docs := make([]*document, 0, len(s.docs))
	for _, d := range s.docs {
		docs = append(docs, d)
	}
	s.mu.Unlock()
	for _, d := range docs {
		d.inputsChanged(true)
	}
	go s.refreshSizes()
}

// settingsFor is the settings for one Dockerfile: the project file's
// (.dockerfile-ls.yaml, compose, bake), then the editor's for what the file
// leaves out, so that the editor and CI never disagree.
func (s *Server) settingsFor(path string) config.Settings {
	s.mu.Lock()
	editor := s.editor
	s.mu.Unlock()
	if path == "" {
		return editor
	}
	file, _, err := s.projects.Load(path)
	if err != nil {
		s.warnOnce("project settings for " + path + " unreadable: " + err.Error())
		return editor
	}
	return file.Merge(editor)
}

// warnOnce logs a problem and shows it to the user, once per message.
func (s *Server) warnOnce(msg string) {
	s.mu.Lock()
	seen := s.warned[msg]
	s.warned[msg] = true
	s.mu.Unlock()
	if seen {
		return
	}
	s.log.Warn(msg)
	go func() {
		_ = s.client.ShowMessage(context.Background(), &protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: "dockerfile-ls: " + msg})
	}()
}

// DidChangeConfiguration implements protocol.Server: pull the section when
// the client supports workspace/configuration, else read the pushed value.
func (s *Server) DidChangeConfiguration(_ context.Context, p *protocol.DidChangeConfigurationParams) error {
	if s.clientSupports(func(c protocol.ClientCapabilities) bool {
		return c.Workspace != nil && c.Workspace.Configuration != nil && *c.Workspace.Configuration
	}) {
		go s.pullSettings()
		return nil
	}
	st, err := parseSettings(p.Settings)
	if err != nil {
		return err
	}
	s.setEditorSettings(st)
	return nil
}

// pullSettings asks the client for our section (off the read loop: the
// answer comes through it).
func (s *Server) pullSettings() {
	section := settingsSection
	res, err := s.client.Configuration(context.Background(), &protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: &section}}})
	if err != nil || len(res) == 0 {
		s.log.Warn("workspace/configuration failed", "err", err)
		return
	}
	st, err := parseSettings(res[0])
	if err != nil {
		s.log.Warn("ignoring malformed settings", "err", err)
		return
	}
	s.setEditorSettings(st)
}

func (s *Server) clientSupports(has func(protocol.ClientCapabilities) bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return has(s.clientCaps)
}
