package codeactions

import (
	"context"
	"fmt"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func TestScratch(t *testing.T) {
	text := "\xef\xbb\xbf# syntax=docker/dockerfile:1\r\n# check=error=true\r\nfrom alpine AS Build\r\nRUN --mount=type=cache,from=Build,target=/x echo\r\nENV A b  c \r\nMAINTAINER Joe \"x\" $y\r\nLABEL foo bar\r\nCMD python app.py\r\nworkdir x\r\nCopy --from=BUILD /a /b\r\nFROM Build\r\nENTRYPOINT foo\r\n"
	doc := dockerfile.Parse([]byte(text))
	for _, d := range doc.Directives {
		fmt.Printf("dir %+v %q\n", d, doc.Slice(d.ValueSpan))
	}
	for _, in := range doc.Instructions {
		fmt.Printf("%s kw=%q args=%q json=%v\n", in.Keyword, doc.Slice(in.KeywordSpan), doc.Slice(in.ArgsSpan), in.JSONForm)
		for _, f := range in.Flags {
			fmt.Printf("  flag %+v %q\n", f, doc.Slice(f.ValueSpan))
		}
		for _, w := range in.Args {
			fmt.Printf("  word %q %q\n", w.Value, doc.Slice(w.Span))
		}
	}
	for _, s := range doc.Stages {
		fmt.Printf("stage %q %q base %q\n", s.Name, doc.Slice(s.NameSpan), doc.Slice(s.BaseSpan))
	}
	fmt.Println(doc.Comments)
	for _, f := range diagnostics.BuildKitChecks(context.Background(), doc, diagnostics.BuildKitOptions{}) {
		fmt.Printf("%s %v %s %q\n", f.Rule, f.Severity, f.Message, doc.Slice(f.Span))
	}
}
