package server

import (
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/features"
)

func init() {
	capabilityFamilies = append(capabilityFamilies, editingCapabilities)
}

// editingCapabilities announces the editing features (package features).
func editingCapabilities(caps *protocol.ServerCapabilities, client protocol.ClientCapabilities) {
	yes := true
	caps.CompletionProvider = &protocol.CompletionOptions{TriggerCharacters: []string{"$", "{", "-", "=", ","}}
	caps.HoverProvider = protocol.Boolean(true)
	caps.SignatureHelpProvider = &protocol.SignatureHelpOptions{TriggerCharacters: []string{" ", "=", ","}}
	caps.DefinitionProvider = protocol.Boolean(true)
	caps.ReferencesProvider = protocol.Boolean(true)
	caps.DocumentHighlightProvider = protocol.Boolean(true)
	caps.DocumentSymbolProvider = protocol.Boolean(true)
	if td := client.TextDocument; td != nil && td.Rename != nil && td.Rename.PrepareSupport != nil && *td.Rename.PrepareSupport {
		caps.RenameProvider = &protocol.RenameOptions{PrepareProvider: &yes}
	} else {
		caps.RenameProvider = protocol.Boolean(true)
	}
	caps.FoldingRangeProvider = protocol.Boolean(true)
	caps.SemanticTokensProvider = &protocol.SemanticTokensOptions{
		Legend: protocol.SemanticTokensLegend{TokenTypes: features.TokenTypes, TokenModifiers: features.TokenModifiers},
		Full:   &protocol.SemanticTokensFullDelta{Delta: &yes},
		Range:  protocol.Boolean(true),
	}
	caps.DocumentFormattingProvider = protocol.Boolean(true)
	caps.DocumentRangeFormattingProvider = protocol.Boolean(true)
	caps.DocumentOnTypeFormattingProvider = protocol.DocumentOnTypeFormattingOptions{FirstTriggerCharacter: "\n"}
	caps.DocumentLinkProvider = &protocol.DocumentLinkOptions{}
}

// snippets reports whether the client takes snippets in completions.
func (s *Server) snippets() bool {
	return s.clientSupports(func(c protocol.ClientCapabilities) bool {
		td := c.TextDocument
		return td != nil && td.Completion != nil && td.Completion.CompletionItem != nil &&
			td.Completion.CompletionItem.SnippetSupport != nil && *td.Completion.CompletionItem.SnippetSupport
	})
}

// hierarchicalSymbols reports whether the client takes nested document
// symbols.
func (s *Server) hierarchicalSymbols() bool {
	return s.clientSupports(func(c protocol.ClientCapabilities) bool {
		td := c.TextDocument
		return td != nil && td.DocumentSymbol != nil && td.DocumentSymbol.HierarchicalDocumentSymbolSupport != nil &&
			*td.DocumentSymbol.HierarchicalDocumentSymbolSupport
	})
}

// formatOptions turns a formatting request's options into the formatter's:
// the continuation indent follows the editor's tab settings (four spaces
// when it gives none).
func (s *Server) formatOptions(u uri.URI, o protocol.FormattingOptions) features.FormatOptions {
	indent := "    "
	switch {
	case o.TabSize > 0 && o.InsertSpaces:
		indent = strings.Repeat(" ", int(min(o.TabSize, 16)))
	case o.TabSize > 0:
		indent = "\t"
	}
	path := ""
	if u.IsFile() {
		path = u.FsPath()
	}
	return features.FormatOptions{Indent: indent, KeepMultiline: s.keepMultiline(path)}
}

// keepMultiline is the setting "formatMultiline": false: formatting leaves
// the continuation lines of multi-line instructions as written.
func (s *Server) keepMultiline(path string) bool {
	st := s.settingsFor(path)
	return st.FormatMultiline != nil && !*st.FormatMultiline
}
