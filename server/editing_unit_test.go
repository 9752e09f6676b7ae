package server

import (
	"reflect"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/features"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

func TestTokenEdits(t *testing.T) {
	a := []uint32{0, 0, 4, 0, 0 /**/, 1, 0, 3, 0, 0 /**/, 1, 0, 2, 0, 0}
	for _, tc := range []struct {
		name string
		b    []uint32
		want []protocol.SemanticTokensEdit
	}{
		{"same", a, []protocol.SemanticTokensEdit{}},
		{"middle changed", []uint32{0, 0, 4, 0, 0, 1, 0, 5, 0, 0, 1, 0, 2, 0, 0}, []protocol.SemanticTokensEdit{{Start: 5, DeleteCount: 5, Data: []uint32{1, 0, 5, 0, 0}}}},
		{"inserted", []uint32{0, 0, 4, 0, 0, 1, 0, 3, 0, 0, 1, 0, 9, 1, 0, 1, 0, 2, 0, 0}, []protocol.SemanticTokensEdit{{Start: 10, DeleteCount: 0, Data: []uint32{1, 0, 9, 1, 0}}}},
		{"removed", []uint32{0, 0, 4, 0, 0}, []protocol.SemanticTokensEdit{{Start: 5, DeleteCount: 10, Data: []uint32{}}}},
	} {
		if got := tokenEdits(a, tc.b); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestEncodeTokensUTF16(t *testing.T) {
	s := &Server{encoding: textpos.UTF16}
	doc := dockerfile.Parse([]byte("FROM a\nLABEL x=\"🐳\" y=1\n"))
	data := s.encodeTokens(doc, features.SemanticTokens(doc))
	// FROM, a, LABEL, x, "🐳" (3 UTF-16 units), y, 1.
	want := []uint32{0, 0, 4, 0, 0, 0, 5, 1, 7, 0, 1, 0, 5, 0, 0, 0, 6, 1, 5, 0, 0, 2, 4, 2, 0, 0, 5, 1, 5, 0, 0, 2, 1, 2, 0}
	if !reflect.DeepEqual(data, want) {
		t.Errorf("got  %v\nwant %v", data, want)
	}
}

func TestFormatOptions(t *testing.T) {
	s := &Server{}
	for _, tc := range []struct {
		o    protocol.FormattingOptions
		want string
	}{
		{protocol.FormattingOptions{}, "    "},
		{protocol.FormattingOptions{TabSize: 2, InsertSpaces: true}, "  "},
		{protocol.FormattingOptions{TabSize: 8, InsertSpaces: false}, "\t"},
	} {
		if got := s.formatOptions("", tc.o).Indent; got != tc.want {
			t.Errorf("%+v: indent %q, want %q", tc.o, got, tc.want)
		}
	}
}
