package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// jsonRule is one rule in `rules --format json`.
type jsonRule struct {
	Name     string   `json:"name"`
	Category string   `json:"category"`
	Severity string   `json:"severity"`
	Summary  string   `json:"summary"`
	DocsURL  string   `json:"docsUrl"`
	Hadolint []string `json:"hadolint"`
}

const rulesUsage = `Usage: dockerfile-ls rules [--format text|json]

Lists every rule: its category, default severity, the hadolint codes it
stands for and its documentation page.

Flags:
  --format text|json   output format (default text)
`

// runRules lists every rule with its category, default severity, docs and
// the hadolint codes it stands for.
func runRules(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "text or json")
	if err := fs.Parse(args); err != nil {
		return commandUsageError(stdout, stderr, "rules", rulesUsage, err)
	}
	if fs.NArg() > 0 {
		return commandUsageError(stdout, stderr, "rules", rulesUsage, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if *format != "text" && *format != "json" {
		return commandUsageError(stdout, stderr, "rules", rulesUsage, fmt.Errorf("unknown --format %q (text or json)", *format))
	}
	var rules []jsonRule
	for _, r := range diagnostics.Rules() {
		codes := diagnostics.HadolintCodes(r.Name)
		if codes == nil {
			codes = []string{}
		}
		rules = append(rules, jsonRule{r.Name, string(r.Category), r.Severity.String(), r.Summary, r.DocsURL, codes})
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rules)
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tCATEGORY\tSEVERITY\tHADOLINT\tDOCS")
	for _, r := range rules {
		h := strings.Join(r.Hadolint, ",")
		if h == "" {
			h = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Category, r.Severity, h, r.DocsURL)
	}
	_ = tw.Flush()
	return 0
}
