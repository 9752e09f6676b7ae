package features

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func showSymbols(doc *dockerfile.Document, syms []Symbol, depth int, b *strings.Builder) {
	kinds := []string{"stage", "instruction", "variable"}
	for _, s := range syms {
		fmt.Fprintf(b, "%s%s %s %q %s sel %s", strings.Repeat("  ", depth), kinds[s.Kind], s.Name, s.Detail, rng(doc, s.Span), rng(doc, s.Select))
		if s.Deprecated {
			b.WriteString(" deprecated")
		}
		b.WriteString("\n")
		showSymbols(doc, s.Children, depth+1, b)
	}
}

func TestSymbols(t *testing.T) {
	src := `ARG GO=1.22 DEBUG
FROM --platform=$BUILDPLATFORM golang:${GO} AS build
ENV CGO_ENABLED=0
RUN go build \
    -o /app .
FROM alpine:3.19
MAINTAINER me
COPY --from=build /app /app
`
	doc := dockerfile.Parse([]byte(src))
	var b strings.Builder
	showSymbols(doc, SymbolsFor(noArgs(doc)), 0, &b)
	want := `variable GO "ARG = 1.22" 0:4-0:11 sel 0:4-0:6
variable DEBUG "ARG" 0:12-0:17 sel 0:12-0:17
stage build "FROM golang:${GO} ($BUILDPLATFORM)" 1:0-4:13 sel 1:47-1:52
  instruction ENV "CGO_ENABLED=0" 2:0-2:17 sel 2:0-2:3
    variable CGO_ENABLED "ENV = 0" 2:4-2:17 sel 2:4-2:15
  instruction RUN "go build -o /app ." 3:0-4:13 sel 3:0-3:3
stage alpine:3.19 "FROM alpine:3.19" 5:0-7:27 sel 5:5-5:16
  instruction MAINTAINER "me" 6:0-6:13 sel 6:0-6:10 deprecated
  instruction COPY "--from=build /app /app" 7:0-7:27 sel 7:0-7:4
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestSymbolValues: each declaration's value as the build state resolves
// it, the parts unknown before a build as written.
func TestSymbolValues(t *testing.T) {
	src := "ARG BASE=python:3.12\nFROM $BASE\nENV NODE_ENV production\nENV PATH=\"/opt/venv/bin:$PATH\" A=1 B=$A\nARG TAG\nENV C=${NODE_ENV}-$A\n"
	doc := dockerfile.Parse([]byte(src))
	var got []string
	var walk func([]Symbol)
	walk = func(syms []Symbol) {
		for _, s := range syms {
			if s.Kind == SymbolVariable {
				got = append(got, s.Name+" "+s.Detail)
			}
			walk(s.Children)
		}
	}
	walk(SymbolsFor(noArgs(doc)))
	want := []string{"BASE ARG = python:3.12", "NODE_ENV ENV = production", "PATH ENV = /opt/venv/bin:$PATH", "A ENV = 1", "B ENV = $A", "TAG ARG", "C ENV = production-1"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFolding(t *testing.T) {
	src := `# syntax=docker/dockerfile:1
# A comment block
# of three
# lines
FROM alpine AS a
RUN apk add \
    curl \
    git
COPY <<EOF <<EOT /x
one
EOF
two
EOT
# one comment line
FROM a
RUN <<EOF
echo
EOF
`
	doc := dockerfile.Parse([]byte(src))
	var got []string
	for _, f := range Folding(doc) {
		kind := "region"
		if f.Kind == FoldComment {
			kind = "comment"
		}
		got = append(got, fmt.Sprintf("%d-%d %s", f.StartLine, f.EndLine, kind))
	}
	want := "1-3 comment, 4-12 region, 5-7 region, 8-12 region, 10-12 region, 14-17 region, 15-17 region"
	if strings.Join(got, ", ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ", "), want)
	}
}
