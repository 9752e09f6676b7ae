package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// jsonFinding is one finding in `check --format json`; lines and columns
// are 1-based, columns count characters.
type jsonFinding struct {
	Path      string `json:"path"`
	Rule      string `json:"rule"`
	Category  string `json:"category"`
	Severity  string `json:"severity"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Message   string `json:"message"`
	DocsURL   string `json:"docsUrl,omitempty"`
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "text or json")
	if err := fs.Parse(args); err != nil {
		return usageError(stderr, err)
	}
	if *format != "text" && *format != "json" {
		return usageError(stderr, fmt.Errorf("unknown --format %q (text or json)", *format))
	}
	if fs.NArg() == 0 {
		return usageError(stderr, fmt.Errorf("check needs at least one Dockerfile path"))
	}
	all := []jsonFinding{}
	failed := false
	for _, path := range fs.Args() {
		text, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "dockerfile-ls: %v\n", err)
			return 2
		}
		for _, f := range checkFile(path, text) {
			failed = failed || f.Severity == diagnostics.Error.String()
			all = append(all, f)
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(all)
	} else {
		for _, f := range all {
			fmt.Fprintf(stdout, "%s:%d:%d: %s %s: %s\n", f.Path, f.Line, f.Column, f.Severity, f.Rule, f.Message)
		}
	}
	if failed {
		return 1
	}
	return 0
}

// checkFile runs the same analyses as the server: the fast ones and
// BuildKit's checks.
func checkFile(path string, text []byte) []jsonFinding {
	doc := dockerfile.Parse(text)
	fs, _ := diagnostics.Analyze(doc, nil)
	fs = append(fs, diagnostics.BuildKitChecks(context.Background(), doc, diagnostics.BuildKitOptions{})...)
	diagnostics.Sort(fs)
	out := make([]jsonFinding, 0, len(fs))
	for _, f := range fs {
		start, end := doc.Lines.Pos(f.Span.Start, textpos.UTF32), doc.Lines.Pos(f.Span.End, textpos.UTF32)
		out = append(out, jsonFinding{
			Path: path, Rule: f.Rule, Category: string(f.Category), Severity: f.Severity.String(),
			Line: start.Line + 1, Column: start.Col + 1, EndLine: end.Line + 1, EndColumn: end.Col + 1,
			Message: f.Message, DocsURL: f.DocsURL,
		})
	}
	return out
}
