package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// jsonFinding is one finding in `check --format json` (documented in
// docs/ci.md: add fields, never change or remove one). Lines and columns
// are 1-based; columns count characters (Unicode code points); the end is
// exclusive.
type jsonFinding struct {
	Path      string        `json:"path"`
	Rule      string        `json:"rule"`
	Category  string        `json:"category"`
	Severity  string        `json:"severity"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"endLine"`
	EndColumn int           `json:"endColumn"`
	Message   string        `json:"message"`
	DocsURL   string        `json:"docsUrl,omitempty"`
	Fixes     []jsonFix     `json:"fixes"`
	Related   []jsonRelated `json:"related,omitempty"`
	// FixRefused says why no fix is offered where the rule thought of one.
	FixRefused string `json:"fixRefused,omitempty"`
}

// jsonFix is a fix offered for a finding; FixAll says whether --fix
// applies it.
type jsonFix struct {
	Title  string `json:"title"`
	FixAll bool   `json:"fixAll"`
}

// jsonRelated is another place that explains a finding.
type jsonRelated struct {
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Message   string `json:"message"`
}

// span1 is a span as 1-based lines and character columns.
type span1 struct{ line, col, endLine, endCol int }

func toSpan1(doc *dockerfile.Document, s dockerfile.Span) span1 {
	start, end := doc.Lines.Pos(s.Start, textpos.UTF32), doc.Lines.Pos(s.End, textpos.UTF32)
	return span1{start.Line + 1, start.Col + 1, end.Line + 1, end.Col + 1}
}

// findingKey identifies a finding, to attach its fixes.
func findingKey(f diagnostics.Finding) string {
	return fmt.Sprintf("%s\x00%d\x00%d\x00%s", f.Rule, f.Span.Start, f.Span.End, f.Message)
}

// fixesByFinding groups a report's fixes by the finding they fix.
func fixesByFinding(r *cli.FileReport) map[string][]codeactions.Action {
	out := map[string][]codeactions.Action{}
	for _, a := range r.Actions {
		k := findingKey(a.Finding)
		out[k] = append(out[k], a)
	}
	return out
}

// render prints the reports in the chosen format.
func (o *checkOptions) render(reports []*cli.FileReport) error {
	switch o.format {
	case "json":
		return writeJSON(o.stdout, reports)
	case "sarif":
		return writeSARIF(o.stdout, reports, o.cwd)
	case "github":
		writeGitHub(o.stdout, reports)
	case "checkstyle":
		return writeCheckstyle(o.stdout, reports)
	default:
		writeText(o.stdout, reports, o.useColor(o.stdoutIsTTY))
	}
	return nil
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

var severityColors = map[diagnostics.Severity]string{
	diagnostics.Error: ansiBold + ansiRed, diagnostics.Warning: ansiYellow, diagnostics.Info: ansiCyan, diagnostics.Hint: ansiDim,
}

// writeText prints "path:line:col: severity rule: message" lines.
func writeText(w io.Writer, reports []*cli.FileReport, color bool) {
	for _, r := range reports {
		for _, f := range r.Findings {
			s := toSpan1(r.Doc, f.Span)
			if color {
				fmt.Fprintf(w, "%s%s:%d:%d:%s %s%s%s %s%s:%s %s\n", ansiBold, r.Path, s.line, s.col, ansiReset,
					severityColors[f.Severity], f.Severity, ansiReset, ansiDim, f.Rule, ansiReset, f.Message)
			} else {
				fmt.Fprintf(w, "%s:%d:%d: %s %s: %s\n", r.Path, s.line, s.col, f.Severity, f.Rule, f.Message)
			}
		}
	}
}

// summarize prints a one-line count of the findings on stderr.
func summarize(w io.Writer, reports []*cli.FileReport, fixed bool) {
	counts := map[diagnostics.Severity]int{}
	total, fixable, applied := 0, 0, 0
	for _, r := range reports {
		applied += r.Fixed
		total += len(r.Findings)
		for _, f := range r.Findings {
			counts[f.Severity]++
		}
		for _, a := range r.Actions {
			if a.InFixAllRun() {
				fixable++
			}
		}
	}
	if applied > 0 {
		fmt.Fprintf(w, "fixed %d %s\n", applied, plural(applied, "problem", "problems"))
	}
	if total == 0 {
		return
	}
	var parts []string
	for _, s := range []diagnostics.Severity{diagnostics.Error, diagnostics.Warning, diagnostics.Info, diagnostics.Hint} {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, plural(n, s.String(), s.String()+"s")))
		}
	}
	files := 0
	for _, r := range reports {
		if len(r.Findings) > 0 {
			files++
		}
	}
	fmt.Fprintf(w, "%d %s (%s) in %d %s", total, plural(total, "problem", "problems"), strings.Join(parts, ", "), files, plural(files, "file", "files"))
	if fixable > 0 && !fixed {
		fmt.Fprintf(w, "; %d fixable with --fix", fixable)
	}
	fmt.Fprintln(w)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func jsonFindings(reports []*cli.FileReport) []jsonFinding {
	out := []jsonFinding{}
	for _, r := range reports {
		fixes := fixesByFinding(r)
		for _, f := range r.Findings {
			s := toSpan1(r.Doc, f.Span)
			jf := jsonFinding{
				Path: r.Path, Rule: f.Rule, Category: string(f.Category), Severity: f.Severity.String(),
				Line: s.line, Column: s.col, EndLine: s.endLine, EndColumn: s.endCol,
				Message: f.Message, DocsURL: f.DocsURL, Fixes: []jsonFix{},
			}
			for _, a := range fixes[findingKey(f)] {
				jf.Fixes = append(jf.Fixes, jsonFix{Title: a.Title, FixAll: a.InFixAllRun()})
			}
			if f.Fix != nil && len(jf.Fixes) == 0 {
				jf.FixRefused = f.Fix.Refused
			}
			for _, rel := range f.Related {
				rs := toSpan1(r.Doc, rel.Span)
				jf.Related = append(jf.Related, jsonRelated{rs.line, rs.col, rs.endLine, rs.endCol, rel.Message})
			}
			out = append(out, jf)
		}
	}
	return out
}

func writeJSON(w io.Writer, reports []*cli.FileReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonFindings(reports))
}

// writeGitHub prints GitHub Actions workflow commands, which GitHub shows
// as annotations on the pull request's diff.
func writeGitHub(w io.Writer, reports []*cli.FileReport) {
	levels := map[diagnostics.Severity]string{diagnostics.Error: "error", diagnostics.Warning: "warning", diagnostics.Info: "notice", diagnostics.Hint: "notice"}
	for _, r := range reports {
		for _, f := range r.Findings {
			s := toSpan1(r.Doc, f.Span)
			fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n", levels[f.Severity],
				ghProperty(filepath.ToSlash(r.Path)), s.line, s.col, s.endLine, s.endCol, ghProperty(f.Rule), ghData(f.Message))
		}
	}
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

type checkstyleRoot struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// writeCheckstyle prints Checkstyle's XML: every file checked, with its
// findings (severity error, warning or info).
func writeCheckstyle(w io.Writer, reports []*cli.FileReport) error {
	root := checkstyleRoot{Version: "4.3"}
	levels := map[diagnostics.Severity]string{diagnostics.Error: "error", diagnostics.Warning: "warning", diagnostics.Info: "info", diagnostics.Hint: "info"}
	for _, r := range reports {
		cf := checkstyleFile{Name: r.Path}
		for _, f := range r.Findings {
			s := toSpan1(r.Doc, f.Span)
			cf.Errors = append(cf.Errors, checkstyleError{s.line, s.col, levels[f.Severity], f.Message, "dockerfile-ls." + f.Rule})
		}
		root.Files = append(root.Files, cf)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
