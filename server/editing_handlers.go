package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/features"
	"github.com/dockerfile-ls/dockerfile-ls/sizes"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// codeRequestFailed is LSP's RequestFailed: the request was valid but
// cannot be done (e.g. a rename to an invalid name).
const codeRequestFailed jsonrpc2.Code = -32803

var completionKinds = map[features.ItemKind]protocol.CompletionItemKind{
	features.KindKeyword:   protocol.CompletionItemKindKeyword,
	features.KindFlag:      protocol.CompletionItemKindProperty,
	features.KindValue:     protocol.CompletionItemKindValue,
	features.KindStage:     protocol.CompletionItemKindReference,
	features.KindVariable:  protocol.CompletionItemKindVariable,
	features.KindDirective: protocol.CompletionItemKindKeyword,
	features.KindSnippet:   protocol.CompletionItemKindSnippet,
}

// buildState is the build state of doc for the build args its settings
// give: the one every reader of this version asks for (the document keeps
// only the last one asked).
func (s *Server) buildState(u uri.URI, doc *dockerfile.Document) *dockerfile.BuildState {
	path := ""
	if u.IsFile() {
		path = u.FsPath()
	}
	return doc.State(s.settingsFor(path).BuildOptions())
}

func markdown(s string) *protocol.MarkupContent {
	return &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: s}
}

// Completion implements protocol.Server.
func (s *Server) Completion(ctx context.Context, p *protocol.CompletionParams) (protocol.CompletionResult, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	off, _ := s.toOffset(doc, p.Position)
	items := features.CompleteFor(s.buildState(p.TextDocument.URI, doc), off, features.CompletionOptions{Snippets: s.snippets()})
	list := &protocol.CompletionList{Items: make([]protocol.CompletionItem, 0, len(items))}
	for _, it := range items {
		ci := protocol.CompletionItem{
			Label:    it.Label,
			Kind:     completionKinds[it.Kind],
			TextEdit: &protocol.TextEdit{Range: s.toRange(doc, it.Replace), NewText: it.Insert},
			SortText: protocol.NewOptional(it.Sort),
		}
		if it.Detail != "" {
			ci.Detail = protocol.NewOptional(it.Detail)
		}
		if it.Doc != "" {
			ci.Documentation = markdown(it.Doc)
		}
		if it.Snippet {
			ci.InsertTextFormat = protocol.InsertTextFormatSnippet
		}
		if it.Filter != "" {
			ci.FilterText = protocol.NewOptional(it.Filter)
		}
		if it.Deprecated {
			ci.Tags = []protocol.CompletionItemTag{protocol.CompletionItemTagDeprecated}
		}
		list.Items = append(list.Items, ci)
	}
	return list, nil
}

// Hover implements protocol.Server.
func (s *Server) Hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	off, _ := s.toOffset(doc, p.Position)
	h, ok := features.HoverFor(s.buildState(p.TextDocument.URI, doc), off)
	saving := s.historyHover(p.TextDocument.URI, doc, off)
	if !ok && saving == "" {
		return nil, nil
	}
	if !ok {
		// The install's command text has no hover of its own.
		if in := doc.InstructionAt(off); in != nil {
			h.Span = in.Span
		}
	}
	text := joinHover(h.Markdown, saving)
	if inst := doc.InstructionAt(off); inst != nil && (inst.Keyword == "COPY" || inst.Keyword == "ADD") && inst.KeywordSpan.Contains(off) {
		if d := s.lookup(p.TextDocument.URI); d != nil {
			st := s.settingsFor(d.path())
			text = joinHover(text, sizes.CopyHoverFor(doc.State(st.BuildOptions()), inst, s.buildContext(d, st)))
		}
	}
	r := s.toRange(doc, h.Span)
	return &protocol.Hover{Contents: markdown(text), Range: &r}, nil
}

// joinHover puts two parts of a hover one below the other, with a rule
// between them when both have text.
func joinHover(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "\n\n---\n\n" + b
}

// SignatureHelp implements protocol.Server.
func (s *Server) SignatureHelp(ctx context.Context, p *protocol.SignatureHelpParams) (*protocol.SignatureHelp, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	off, _ := s.toOffset(doc, p.Position)
	h, ok := features.SignatureHelpAt(doc, off)
	if !ok {
		return nil, nil
	}
	out := &protocol.SignatureHelp{}
	enc := s.enc()
	for _, sig := range h.Signatures {
		label := textpos.NewLines([]byte(sig.Label))
		si := protocol.SignatureInformation{Label: sig.Label, Documentation: markdown(sig.Doc)}
		for _, prm := range sig.Params {
			pi := protocol.ParameterInformation{Label: protocol.ParameterInformationLabelTuple{
				uint32(label.Pos(prm.Start, enc).Col), uint32(label.Pos(prm.End, enc).Col)}}
			if prm.Doc != "" {
				pi.Documentation = markdown(prm.Doc)
			}
			si.Parameters = append(si.Parameters, pi)
		}
		out.Signatures = append(out.Signatures, si)
	}
	active := uint32(h.Active)
	out.ActiveSignature = &active
	if h.ActiveParam >= 0 {
		out.ActiveParameter = protocol.NewNullable(uint32(h.ActiveParam))
	} else {
		out.ActiveParameter = protocol.NullNullable[uint32]()
	}
	return out, nil
}

func (s *Server) location(u uri.URI, doc *dockerfile.Document, sp dockerfile.Span) protocol.Location {
	return protocol.Location{URI: u, Range: s.toRange(doc, sp)}
}

// Definition implements protocol.Server.
func (s *Server) Definition(ctx context.Context, p *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	off, _ := s.toOffset(doc, p.Position)
	sp, ok := features.Definition(doc, off)
	if !ok {
		return nil, nil
	}
	return protocol.LocationSlice{s.location(p.TextDocument.URI, doc, sp)}, nil
}

// References implements protocol.Server.
func (s *Server) References(ctx context.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	off, _ := s.toOffset(doc, p.Position)
	out := []protocol.Location{}
	for _, sp := range features.References(doc, off, p.Context.IncludeDeclaration) {
		out = append(out, s.location(p.TextDocument.URI, doc, sp))
	}
	return out, nil
}

// DocumentHighlight implements protocol.Server.
func (s *Server) DocumentHighlight(ctx context.Context, p *protocol.DocumentHighlightParams) ([]protocol.DocumentHighlight, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	off, _ := s.toOffset(doc, p.Position)
	out := []protocol.DocumentHighlight{}
	for _, h := range features.Highlights(doc, off) {
		kind := protocol.DocumentHighlightKindRead
		if h.Write {
			kind = protocol.DocumentHighlightKindWrite
		}
		out = append(out, protocol.DocumentHighlight{Range: s.toRange(doc, h.Span), Kind: kind})
	}
	return out, nil
}

// PrepareRename implements protocol.Server: null where there is nothing to
// rename, an error saying why a name cannot be renamed.
func (s *Server) PrepareRename(ctx context.Context, p *protocol.PrepareRenameParams) (protocol.PrepareRenameResult, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	off, _ := s.toOffset(doc, p.Position)
	sp, name, err := features.PrepareRename(doc, off)
	if err != nil {
		if features.NothingToRename(err) {
			return nil, nil
		}
		return nil, jsonrpc2.NewError(codeRequestFailed, err.Error())
	}
	return &protocol.PrepareRenamePlaceholder{Range: s.toRange(doc, sp), Placeholder: name}, nil
}

// Rename implements protocol.Server.
func (s *Server) Rename(ctx context.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	off, _ := s.toOffset(doc, p.Position)
	edits, err := features.Rename(doc, off, p.NewName)
	if err != nil {
		return nil, jsonrpc2.NewError(codeRequestFailed, err.Error())
	}
	return &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{p.TextDocument.URI: s.textEdits(doc, edits)}}, nil
}

func (s *Server) textEdits(doc *dockerfile.Document, edits []dockerfile.Edit) []protocol.TextEdit {
	out := make([]protocol.TextEdit, 0, len(edits))
	for _, e := range edits {
		out = append(out, protocol.TextEdit{Range: s.toRange(doc, dockerfile.Span{Start: e.Start, End: e.End}), NewText: e.Text})
	}
	return out
}

var symbolKinds = map[features.SymbolKind]protocol.SymbolKind{
	features.SymbolStage:       protocol.SymbolKindModule,
	features.SymbolInstruction: protocol.SymbolKindFunction,
	features.SymbolVariable:    protocol.SymbolKindVariable,
}

// DocumentSymbol implements protocol.Server: hierarchical when the client
// supports it, else flat with container names.
func (s *Server) DocumentSymbol(ctx context.Context, p *protocol.DocumentSymbolParams) (protocol.DocumentSymbolResult, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	syms := features.SymbolsFor(s.buildState(p.TextDocument.URI, doc))
	if !s.hierarchicalSymbols() {
		out := protocol.SymbolInformationSlice{}
		var flat func(list []features.Symbol, container string)
		flat = func(list []features.Symbol, container string) {
			for _, sym := range list {
				si := protocol.SymbolInformation{
					BaseSymbolInformation: protocol.BaseSymbolInformation{Name: sym.Name, Kind: symbolKinds[sym.Kind]},
					Location:              s.location(p.TextDocument.URI, doc, sym.Span),
				}
				if container != "" {
					c := container
					si.ContainerName = &c
				}
				out = append(out, si)
				flat(sym.Children, sym.Name)
			}
		}
		flat(syms, "")
		return out, nil
	}
	var conv func(list []features.Symbol) []protocol.DocumentSymbol
	conv = func(list []features.Symbol) []protocol.DocumentSymbol {
		out := make([]protocol.DocumentSymbol, 0, len(list))
		for _, sym := range list {
			ds := protocol.DocumentSymbol{Name: sym.Name, Kind: symbolKinds[sym.Kind],
				Range: s.toRange(doc, sym.Span), SelectionRange: s.toRange(doc, sym.Select)}
			if ds.Name == "" {
				ds.Name = "?" // the specification wants a non-empty name
			}
			if sym.Detail != "" {
				d := sym.Detail
				ds.Detail = &d
			}
			if sym.Deprecated {
				ds.Tags = []protocol.SymbolTag{protocol.SymbolTagDeprecated}
			}
			if len(sym.Children) > 0 {
				ds.Children = conv(sym.Children)
			}
			out = append(out, ds)
		}
		return out
	}
	return protocol.DocumentSymbolSlice(conv(syms)), nil
}

// FoldingRanges implements protocol.Server.
func (s *Server) FoldingRanges(ctx context.Context, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	out := []protocol.FoldingRange{}
	for _, f := range features.Folding(doc) {
		kind := protocol.FoldingRangeKindRegion
		if f.Kind == features.FoldComment {
			kind = protocol.FoldingRangeKindComment
		}
		out = append(out, protocol.FoldingRange{StartLine: uint32(f.StartLine), EndLine: uint32(f.EndLine), Kind: kind})
	}
	return out, nil
}

// Formatting implements protocol.Server.
func (s *Server) Formatting(ctx context.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	return s.textEdits(doc, features.Format(doc, s.formatOptions(p.TextDocument.URI, p.Options))), nil
}

// RangeFormatting implements protocol.Server.
func (s *Server) RangeFormatting(ctx context.Context, p *protocol.DocumentRangeFormattingParams) ([]protocol.TextEdit, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	start, _ := s.toOffset(doc, p.Range.Start)
	end, _ := s.toOffset(doc, p.Range.End)
	return s.textEdits(doc, features.FormatRange(doc, s.formatOptions(p.TextDocument.URI, p.Options), dockerfile.Span{Start: start, End: max(start, end)})), nil
}

// OnTypeFormatting implements protocol.Server: on Enter, the line just
// finished is formatted (keyword case, indent, trailing blanks). The new
// line, where the cursor is, is left to the editor's own indentation.
func (s *Server) OnTypeFormatting(ctx context.Context, p *protocol.DocumentOnTypeFormattingParams) ([]protocol.TextEdit, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil || p.Ch != "\n" || p.Position.Line == 0 || int(p.Position.Line) > doc.Lines.Count()-1 {
		return nil, nil
	}
	line := int(p.Position.Line) - 1
	finished := dockerfile.Span{Start: doc.Lines.Start(line), End: doc.Lines.End(line)}
	return s.textEdits(doc, features.FormatRange(doc, s.formatOptions(p.TextDocument.URI, p.Options), finished)), nil
}

// DocumentLink implements protocol.Server: images to their registry page,
// COPY and ADD sources to the files next to the Dockerfile.
func (s *Server) DocumentLink(ctx context.Context, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	doc := docAt(ctx, p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	var opts features.LinkOptions
	var dir string
	if p.TextDocument.URI.IsFile() {
		dir = filepath.Dir(p.TextDocument.URI.FsPath())
		// Through an os.Root: a symlink in the folder must not lead the
		// server to look at files outside it.
		if root, err := os.OpenRoot(dir); err == nil {
			defer root.Close()
			opts.FileExists = func(rel string) bool {
				fi, err := root.Stat(filepath.FromSlash(rel))
				return err == nil && fi.Mode().IsRegular()
			}
		}
	}
	out := []protocol.DocumentLink{}
	for _, l := range features.LinksFor(s.buildState(p.TextDocument.URI, doc), opts) {
		var target uri.URI
		if l.URL != "" {
			target = uri.URI(l.URL)
		} else {
			target = uri.File(filepath.Join(dir, filepath.FromSlash(l.Path)))
		}
		tip := strings.TrimPrefix(l.URL, "https://")
		if tip == "" {
			tip = l.Path
		}
		out = append(out, protocol.DocumentLink{Range: s.toRange(doc, l.Span), Target: &target, Tooltip: &tip})
	}
	return out, nil
}
