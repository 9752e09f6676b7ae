package main

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// The SARIF 2.1.0 subset dockerfile-ls writes: one run, the rules its
// results use, results with their regions, related locations and fixes.
// Columns count Unicode code points (columnKind unicodeCodePoints).

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	projectURI   = "https://github.com/dockerfile-ls/dockerfile-ls"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	Results    []sarifResult `json:"results"`
	ColumnKind string        `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	HelpURI              string          `json:"helpUri,omitempty"`
	Help                 *sarifText      `json:"help,omitempty"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	Fixes            []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifact      `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent *sarifText  `json:"insertedContent,omitempty"`
}

var sarifLevels = map[diagnostics.Severity]string{
	diagnostics.Error: "error", diagnostics.Warning: "warning", diagnostics.Info: "note", diagnostics.Hint: "note",
}

// sarifURI is a path as a SARIF artifact URI: relative paths stay
// relative (GitHub resolves them against the repository's root, so run
// the check from there), absolute ones become file: URIs.
func sarifURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

func sarifRegionOf(s span1) sarifRegion {
	return sarifRegion{StartLine: s.line, StartColumn: s.col, EndLine: s.endLine, EndColumn: s.endCol}
}

// writeSARIF prints the reports as a SARIF 2.1.0 log.
func writeSARIF(w io.Writer, reports []*cli.FileReport, cwd string) error {
	ruleIndex := map[string]int{}
	var rules []sarifRule
	var names []string
	for _, r := range reports {
		for _, f := range r.Findings {
			if _, ok := ruleIndex[f.Rule]; !ok {
				ruleIndex[f.Rule] = -1
				names = append(names, f.Rule)
			}
		}
	}
	slices.Sort(names)
	for _, name := range names {
		ruleIndex[name] = len(rules)
		rules = append(rules, sarifRuleFor(name, reports))
	}
	results := []sarifResult{}
	for _, r := range reports {
		fixes := fixesByFinding(r)
		uri := sarifURI(r.Path)
		for _, f := range r.Findings {
			res := sarifResult{
				RuleID: f.Rule, RuleIndex: ruleIndex[f.Rule], Level: sarifLevels[f.Severity],
				Message:   sarifText{f.Message},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{sarifArtifact{uri}, sarifRegionOf(toSpan1(r.Doc, f.Span))}}},
			}
			for i, rel := range f.Related {
				id := i + 1
				res.RelatedLocations = append(res.RelatedLocations, sarifLocation{ID: &id,
					PhysicalLocation: sarifPhysical{sarifArtifact{uri}, sarifRegionOf(toSpan1(r.Doc, rel.Span))},
					Message:          &sarifText{rel.Message}})
			}
			for _, a := range fixes[findingKey(f)] {
				if fx, ok := sarifFixOf(r, a, uri, cwd); ok {
					res.Fixes = append(res.Fixes, fx)
				}
			}
			results = append(results, res)
		}
	}
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{{
		Tool:       sarifTool{sarifDriver{Name: "dockerfile-ls", Version: version, InformationURI: projectURI, Rules: rules}},
		Results:    results,
		ColumnKind: "unicodeCodePoints",
	}}}
	if log.Runs[0].Tool.Driver.Rules == nil {
		log.Runs[0].Tool.Driver.Rules = []sarifRule{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// sarifRuleFor describes a rule from the catalogue (or from a finding of
// a rule the catalogue lacks).
func sarifRuleFor(name string, reports []*cli.FileReport) sarifRule {
	r := diagnostics.Lookup(name)
	if r == nil {
		for _, rep := range reports {
			for _, f := range rep.Findings {
				if f.Rule == name {
					r = &diagnostics.Rule{Name: name, Category: f.Category, Severity: f.Severity, Summary: f.Message, DocsURL: f.DocsURL}
					break
				}
			}
			if r != nil {
				break
			}
		}
	}
	out := sarifRule{ID: r.Name, Name: r.Name, ShortDescription: sarifText{r.Summary}, HelpURI: r.DocsURL,
		DefaultConfiguration: sarifRuleConfig{sarifLevels[r.Severity]}, Properties: sarifRuleProps{Tags: []string{string(r.Category)}}}
	if out.ShortDescription.Text == "" {
		out.ShortDescription.Text = r.Name
	}
	if r.DocsURL != "" {
		out.Help = &sarifText{out.ShortDescription.Text + ". Documentation: " + r.DocsURL}
	}
	return out
}

// sarifFixOf turns a fix into SARIF's form: the Dockerfile's edits, and
// the other files it creates or appends to (relative to the build
// context).
func sarifFixOf(r *cli.FileReport, a codeactions.Action, uri, cwd string) (sarifFix, bool) {
	fx := sarifFix{Description: sarifText{a.Title}}
	if len(a.Edits) > 0 {
		ch := sarifArtifactChange{ArtifactLocation: sarifArtifact{uri}}
		for _, e := range a.Edits {
			rep := sarifReplacement{DeletedRegion: sarifRegionOf(toSpan1(r.Doc, dockerfile.Span{Start: e.Start, End: e.End}))}
			if e.Text != "" {
				rep.InsertedContent = &sarifText{e.Text}
			}
			ch.Replacements = append(ch.Replacements, rep)
		}
		fx.ArtifactChanges = append(fx.ArtifactChanges, ch)
	}
	for _, fe := range a.Files {
		if r.ContextRoot == "" {
			return sarifFix{}, false
		}
		p := filepath.Join(r.ContextRoot, filepath.FromSlash(fe.Path))
		region := sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1}
		// The file is the repository's: never a FIFO, a device or a link
		// out of the context.
		data, err := safefile.Read(r.ContextRoot, p, safefile.MaxIgnoreFile)
		switch {
		case err == nil:
			lines := textpos.NewLines(data)
			end := lines.Pos(len(data), textpos.UTF32)
			region = sarifRegion{StartLine: end.Line + 1, StartColumn: end.Col + 1, EndLine: end.Line + 1, EndColumn: end.Col + 1}
		case !fe.Create || !errors.Is(err, fs.ErrNotExist):
			return sarifFix{}, false
		}
		shown := p
		if rel, err := filepath.Rel(cwd, p); err == nil && filepath.IsLocal(rel) {
			shown = rel
		}
		fx.ArtifactChanges = append(fx.ArtifactChanges, sarifArtifactChange{ArtifactLocation: sarifArtifact{sarifURI(shown)},
			Replacements: []sarifReplacement{{DeletedRegion: region, InsertedContent: &sarifText{fe.Append}}}})
	}
	if len(fx.ArtifactChanges) == 0 {
		return sarifFix{}, false
	}
	return fx, true
}
