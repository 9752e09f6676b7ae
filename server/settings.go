package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

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
// {"dockerfile-ls": {...}}. Nothing at all (no value, null, {} or [], all
// of which clients send for "no settings") gives the zero Settings.
func parseSettings(raw []byte) (config.Settings, error) {
	switch string(bytes.TrimSpace(raw)) {
	case "", "null", "{}", "[]":
		return config.Settings{}, nil
	}
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return config.Settings{}, fmt.Errorf("reading %s settings: %w", settingsSection, err)
	}
	if inner, ok := wrapped[settingsSection]; ok {
		raw = inner
	}
	raw, err := emptyListsAsObjects(raw)
	if err != nil {
		return config.Settings{}, fmt.Errorf("reading %s settings: %w", settingsSection, err)
	}
	var es editorSettings
	if err := json.Unmarshal(raw, &es); err != nil {
		return config.Settings{}, fmt.Errorf("reading %s settings: %w", settingsSection, err)
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

// mapSettings are the settings whose value is an object.
var mapSettings = []string{"rules", "categories", "buildArgs"}

// emptyListsAsObjects turns an empty list given for an object-valued
// setting into an empty object: Neovim encodes an empty Lua table, and
// Eglot an empty vector, as [], which would otherwise make the whole
// settings object unreadable.
func emptyListsAsObjects(raw []byte) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	changed := false
	for _, key := range mapSettings {
		var list []json.RawMessage
		if v, ok := fields[key]; ok && json.Unmarshal(v, &list) == nil && len(list) == 0 && list != nil {
			fields[key] = json.RawMessage("{}")
			changed = true
		}
	}
	if !changed {
		return raw, nil
	}
	return json.Marshal(fields)
}

// settingsSource is where editor settings came from.
type settingsSource int

const (
	fromInitOptions settingsSource = iota // initializationOptions
	fromPush                              // didChangeConfiguration's params
	fromAnswer                            // a workspace/configuration answer
)

func (src settingsSource) String() string {
	return [...]string{"initializationOptions", "didChangeConfiguration", "workspace/configuration"}[src]
}

// editorSources are the editor's settings by source, and their merge: the
// one place that decides which source wins (docs/settings.md). Each source
// holds only the last thing it said: a new push replaces the previous push,
// a new answer the previous answer (each is the client's whole section, so
// a setting removed in the editor goes), but an empty one hides nothing
// from the sources below it. Guarded by Server.mu.
type editorSources struct {
	initOptions, pushed, answered config.Settings
	// answeredOnce: a workspace/configuration answer has been recorded.
	answeredOnce bool
	// merged is what the analysis uses, before the project file.
	merged config.Settings
}

// set records what src says now and merges again: defaults, then
// initializationOptions, then the pushed settings, then the answer, each
// over the last field by field (maps key by key). The answer is above the
// push because a client that answers resolves its section for us (VS Code
// expands ${workspaceFolder} there, not in what it pushes); a push still
// counts when the answer has nothing (Helix with a bare `config`).
//
// A first answer equal to initializationOptions says that they were a
// snapshot of the same settings (VS Code, Emacs and the Neovim and Helix
// configurations in editors/ send both): from then on the answers alone
// stand for them, so that a setting the user removes is not brought back
// by the snapshot.
func (e *editorSources) set(src settingsSource, st config.Settings) {
	switch src {
	case fromInitOptions:
		e.initOptions = st
	case fromPush:
		e.pushed = st
	case fromAnswer:
		if !e.answeredOnce && reflect.DeepEqual(st, e.initOptions) {
			e.initOptions = config.Settings{}
		}
		e.answered, e.answeredOnce = st, true
	}
	e.merged = e.answered.Merge(e.pushed.Merge(e.initOptions))
}

// setEditorSettings records what one source says now and, when that
// changes the merged settings, re-analyses every open document with them.
func (s *Server) setEditorSettings(src settingsSource, st config.Settings) {
	s.mu.Lock()
	before := s.editor.merged
	s.editor.set(src, st)
	merged := s.editor.merged
	docs := make([]*document, 0, len(s.docs))
	for _, d := range s.docs {
		docs = append(docs, d)
	}
	s.mu.Unlock()
	for _, problem := range st.Validate() {
		s.warnOnce(src.String() + ": " + problem)
	}
	changed := !reflect.DeepEqual(before, merged)
	s.log.Debug("editor settings", "from", src.String(), "gave", settingsJSON(st), "changed", changed, "now", settingsJSON(merged))
	if !changed {
		return
	}
	for _, d := range docs {
		d.inputsChanged(true)
	}
	s.sizeHintsRefresh.ask()
}

// settingsJSON is st as the editor would write it, for the log.
func settingsJSON(st config.Settings) string {
	b, err := json.Marshal(st)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// settingsFor is the settings for one Dockerfile: the project file's
// (.dockerfile-ls.yaml, compose, bake), then the editor's for what the file
// leaves out, so that the editor and CI never disagree.
func (s *Server) settingsFor(path string) config.Settings {
	s.mu.Lock()
	editor := s.editor.merged
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

// maxWarnings bounds the distinct problems warnOnce remembers and shows:
// settings a client sends can differ every time.
const maxWarnings = 100

// warnOnce logs a problem and shows it to the user, once per message, and
// no more than maxWarnings messages a session; past that, it only logs.
func (s *Server) warnOnce(msg string) {
	s.mu.Lock()
	seen, full := s.warned[msg], len(s.warned) >= maxWarnings
	if !full {
		s.warned[msg] = true
	}
	s.mu.Unlock()
	if seen {
		return
	}
	s.log.Warn(msg)
	if full {
		return
	}
	go func() {
		_ = s.client.ShowMessage(context.Background(), &protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: "dockerfile-ls: " + msg})
	}()
}

// DidChangeConfiguration implements protocol.Server: the pushed settings
// replace the previous push, and a client that supports
// workspace/configuration is asked for the section too.
func (s *Server) DidChangeConfiguration(_ context.Context, p *protocol.DidChangeConfigurationParams) error {
	st, err := parseSettings(p.Settings)
	if err == nil {
		s.setEditorSettings(fromPush, st)
	}
	if s.clientSupports(answersConfiguration) {
		s.pullSettings()
	}
	return err
}

func answersConfiguration(c protocol.ClientCapabilities) bool {
	return c.Workspace != nil && c.Workspace.Configuration != nil && *c.Workspace.Configuration
}

// pullTimeout bounds a workspace/configuration request: a client that
// does not answer in time keeps the settings it gave before.
var pullTimeout = 5 * time.Second

// pullSettings asks the client for the section, off the read loop (the
// answer comes through it), one request at a time (see coalesced).
func (s *Server) pullSettings() { s.pulls.ask() }

// pullOnce asks for the section and records the answer. An error, a
// timeout or a malformed answer leave the last answer in place: they say
// nothing about what the user wants.
func (s *Server) pullOnce() {
	ctx, cancel := context.WithTimeout(context.Background(), pullTimeout)
	defer cancel()
	section := settingsSection
	res, err := s.client.Configuration(ctx, &protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: &section}}})
	if err != nil {
		s.log.Warn("workspace/configuration failed; keeping the settings from before", "err", err)
		return
	}
	var item []byte
	if len(res) > 0 {
		item = res[0]
	}
	st, err := parseSettings(item)
	if err != nil {
		s.log.Warn("ignoring a malformed workspace/configuration answer", "err", err)
		return
	}
	s.setEditorSettings(fromAnswer, st)
}

func (s *Server) clientSupports(has func(protocol.ClientCapabilities) bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return has(s.clientCaps)
}
