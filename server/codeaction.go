package server

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func init() {
	capabilityFamilies = append(capabilityFamilies, func(caps *protocol.ServerCapabilities, _ protocol.ClientCapabilities) {
		resolve := true
		caps.CodeActionProvider = &protocol.CodeActionOptions{
			CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, codeactions.SourceFixAll},
			ResolveProvider: &resolve,
		}
	})
}

// actionData identifies an action for codeAction/resolve: the document
// version it was computed for, and which fix of which finding.
type actionData struct {
	URI     uri.URI             `json:"uri"`
	Version int32               `json:"version"`
	Kind    diagnostics.FixKind `json:"kind"`
	Start   int                 `json:"start"` // the finding's span start
	Title   string              `json:"title"`
}

// CodeAction implements protocol.Server: the fixes for the findings in the
// requested range, and source.fixAll. Findings are computed again here
// rather than read from the request's diagnostics, so clients without
// diagnostic data support (Neovim 0.7) get the same fixes.
func (s *Server) CodeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	doc, d := docAt(ctx, p.TextDocument.URI), s.lookup(p.TextDocument.URI)
	if doc == nil || d == nil {
		return nil, nil
	}
	st := s.settingsFor(d.path())
	bctx := s.buildContextWait(ctx, d, st)
	if wants(p.Context.Only, codeactions.SourceFixAll) {
		a, err := s.fixAllAction(ctx, d, doc, st, bctx)
		if a == nil {
			return nil, err
		}
		return []protocol.CommandOrCodeAction{a}, nil
	}
	if !wants(p.Context.Only, string(protocol.CodeActionKindQuickFix)) {
		return nil, nil
	}
	version, findings := s.findingsFor(d, doc)
	if ctx.Err() != nil {
		return nil, protocol.ErrRequestCancelled // cancelled while the rules ran
	}
	// Fixes are computed for the findings of the range only: a request
	// for one line of a long file costs what that line holds.
	start, _ := s.toOffset(doc, p.Range.Start)
	end, _ := s.toOffset(doc, p.Range.End)
	findings = codeactions.Touching(doc, findings, dockerfile.Span{Start: start, End: end})
	lazy := s.resolvesEdits()
	var out []protocol.CommandOrCodeAction
	for _, a := range codeactions.For(doc.State(st.BuildOptions()), findings, bctx) {
		if a.Finding.Span.Start > end || a.Finding.Span.End < start {
			continue
		}
		ca := s.toCodeAction(d.uri, doc, a)
		if lazy {
			ca.Edit = nil
			ca.Data, _ = json.Marshal(actionData{URI: d.uri, Version: version, Kind: codeactions.Kind(a.Finding), Start: a.Finding.Span.Start, Title: a.Title})
		}
		out = append(out, ca)
	}
	if s.disabledActions() {
		for _, a := range codeactions.Refused(findings) {
			if a.Finding.Span.Start <= end && a.Finding.Span.End >= start {
				ca := s.toCodeAction(d.uri, doc, a)
				ca.Edit, ca.Disabled = nil, protocol.CodeActionDisabled{Reason: a.Disabled}
				out = append(out, ca)
			}
		}
	}
	return out, nil
}

// CodeActionResolve implements protocol.Server: compute the edit of an
// action offered without one, if the document has not changed since.
func (s *Server) CodeActionResolve(ctx context.Context, ca *protocol.CodeAction) (*protocol.CodeAction, error) {
	var data actionData
	if err := json.Unmarshal(ca.Data, &data); err != nil {
		return nil, fmt.Errorf("code action without our data: %w", err)
	}
	doc, d := docAt(ctx, data.URI), s.lookup(data.URI)
	if doc == nil || d == nil {
		return ca, nil
	}
	st := s.settingsFor(d.path())
	bctx := s.buildContextWait(ctx, d, st)
	version, findings := s.findingsFor(d, doc)
	if ctx.Err() != nil {
		return nil, protocol.ErrRequestCancelled
	}
	if version != data.Version {
		return ca, nil // stale: the client asks again
	}
	findings = codeactions.Touching(doc, findings, dockerfile.Span{Start: data.Start, End: data.Start})
	for _, a := range codeactions.For(doc.State(st.BuildOptions()), findings, bctx) {
		if codeactions.Kind(a.Finding) == data.Kind && a.Finding.Span.Start == data.Start && a.Title == data.Title {
			resolved := s.toCodeAction(d.uri, doc, a)
			return resolved, nil
		}
	}
	return ca, nil
}

// findingsFor is what the worker would publish for doc: the fast findings
// and BuildKit's when they belong to this text.
func (s *Server) findingsFor(d *document, doc *dockerfile.Document) (int32, []diagnostics.Finding) {
	d.mu.Lock()
	version, current, buildkit := d.version, d.doc, d.buildkit
	d.mu.Unlock()
	st := s.settingsFor(d.path())
	fast, _ := analysis.Fast(doc, s.buildContext(d, st), st) // the worker logs rules' panics
	if current != doc {
		buildkit = nil
	}
	return version, analysis.Assemble(doc, st, fast, buildkit)
}

// fixAllAction is source.fixAll: every safe fix, as one edit. It runs the
// fix-all `check --fix` runs, so the two write the same bytes; nil when
// there is nothing to fix.
func (s *Server) fixAllAction(ctx context.Context, d *document, doc *dockerfile.Document, st config.Settings, bctx *buildcontext.Context) (*protocol.CodeAction, error) {
	fixed, err := codeactions.Fixing{Context: bctx, Options: st.BuildOptions(), Analyse: analysis.Findings(bctx, st, nil)}.Run(ctx, doc.Text)
	if err != nil {
		// It fails only when the request is cancelled ($/cancelRequest, an
		// edit the client cancels it for): stop there.
		s.log.Debug("fix all stopped", "uri", d.uri, "err", err)
		return nil, protocol.ErrRequestCancelled
	}
	if fixed.Applied == 0 {
		return nil, nil
	}
	e := codeactions.MinimalEdit(doc.Text, fixed.Doc.Text)
	kind := protocol.CodeActionKind(codeactions.SourceFixAll)
	return &protocol.CodeAction{
		Title: fmt.Sprintf("Fix all safe problems (%d)", fixed.Applied),
		Kind:  &kind,
		Edit: &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{
			d.uri: {{Range: s.toRange(doc, dockerfile.Span{Start: e.Start, End: e.End}), NewText: e.Text}},
		}},
	}, nil
}

func (s *Server) toCodeAction(u uri.URI, doc *dockerfile.Document, a codeactions.Action) *protocol.CodeAction {
	kind := protocol.CodeActionKindQuickFix
	ca := &protocol.CodeAction{
		Title:       a.Title,
		Kind:        &kind,
		Diagnostics: []protocol.Diagnostic{s.toDiagnostic(u, doc, a.Finding)},
		Edit:        s.toWorkspaceEdit(u, doc, a),
	}
	if a.Preferred {
		preferred := true
		ca.IsPreferred = &preferred
	}
	return ca
}

// toWorkspaceEdit: plain changes for the Dockerfile; document changes when
// the fix also creates or extends another file (.dockerignore).
func (s *Server) toWorkspaceEdit(u uri.URI, doc *dockerfile.Document, a codeactions.Action) *protocol.WorkspaceEdit {
	var edits []protocol.TextEdit
	for _, e := range a.Edits {
		edits = append(edits, protocol.TextEdit{Range: s.toRange(doc, dockerfile.Span{Start: e.Start, End: e.End}), NewText: e.Text})
	}
	if len(a.Files) == 0 {
		return &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{u: edits}}
	}
	var changes []protocol.DocumentChange
	root := s.settingsFor(u.FsPath()).ContextRoot(u.FsPath())
	for _, f := range a.Files {
		target := uri.File(filepath.Join(root, filepath.FromSlash(f.Path)))
		if f.Create {
			changes = append(changes, &protocol.CreateFile{Kind: "create", URI: target})
		}
		changes = append(changes, &protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: target}},
			Edits:        []protocol.TextDocumentEditElement{&protocol.TextEdit{Range: endOfFile(f), NewText: f.Append}},
		})
	}
	if len(edits) > 0 {
		var elems []protocol.TextDocumentEditElement
		for i := range edits {
			elems = append(elems, &edits[i])
		}
		changes = append(changes, &protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}},
			Edits:        elems,
		})
	}
	return &protocol.WorkspaceEdit{DocumentChanges: changes}
}

// endOfFile is where an append goes: a position past the end, which the
// LSP specification clamps to the end of the document.
func endOfFile(codeactions.FileEdit) protocol.Range {
	p := protocol.Position{Line: 1 << 30}
	return protocol.Range{Start: p, End: p}
}

// disabledActions: the client shows disabled code actions with their
// reason (else a refused fix's reason goes with the diagnostic).
func (s *Server) disabledActions() bool {
	return s.clientSupports(func(c protocol.ClientCapabilities) bool {
		return c.TextDocument != nil && c.TextDocument.CodeAction != nil && c.TextDocument.CodeAction.DisabledSupport != nil && *c.TextDocument.CodeAction.DisabledSupport
	})
}

// resolvesEdits: the client can fetch an action's edit lazily.
func (s *Server) resolvesEdits() bool {
	return s.clientSupports(func(c protocol.ClientCapabilities) bool {
		if c.TextDocument == nil || c.TextDocument.CodeAction == nil {
			return false
		}
		for _, p := range c.TextDocument.CodeAction.ResolveSupport.Properties {
			if p == "edit" {
				return true
			}
		}
		return false
	})
}

// wants reports whether a request's "only" filter admits kind (an empty
// filter admits everything; "source.fixAll" admits our sub-kind).
func wants(only []protocol.CodeActionKind, kind string) bool {
	if len(only) == 0 {
		return kind != codeactions.SourceFixAll
	}
	for _, o := range only {
		if string(o) == kind || (len(kind) > len(o) && kind[:len(o)+1] == string(o)+".") {
			return true
		}
	}
	return false
}
