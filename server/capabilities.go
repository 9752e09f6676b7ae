package server

import "go.lsp.dev/protocol"

// capabilities is what the server tells the client it can do; each feature
// family adds its own in its file, so adding a feature touches no switch.
func capabilities(client protocol.ClientCapabilities, enc protocol.PositionEncodingKind) protocol.ServerCapabilities {
	change := protocol.TextDocumentSyncKindIncremental
	openClose, folders := true, true
	caps := protocol.ServerCapabilities{
		PositionEncoding: enc,
		TextDocumentSync: &protocol.TextDocumentSyncOptions{OpenClose: &openClose, Change: &change},
		// Workspace folders bound where build contexts may be: the
		// server follows them as they change.
		Workspace: &protocol.WorkspaceOptions{WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
			Supported: &folders, ChangeNotifications: protocol.Boolean(true),
		}},
	}
	for _, add := range capabilityFamilies {
		add(&caps, client)
	}
	return caps
}

// capabilityFamilies is appended to by each feature file's init function.
var capabilityFamilies []func(*protocol.ServerCapabilities, protocol.ClientCapabilities)
