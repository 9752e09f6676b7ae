package precision

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// LabelsSuffix names the labels of a Dockerfile: NAME.labels beside NAME.
const LabelsSuffix = ".labels"

// Files lists the Dockerfiles of a labelled split (dir/<source>/NAME),
// skipping licences, READMEs and labels.
func Files(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if strings.HasSuffix(name, LabelsSuffix) || strings.HasPrefix(name, "LICENSE") || strings.HasSuffix(name, ".md") {
			return nil
		}
		out = append(out, path)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the labelled set: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no Dockerfiles under %s", dir)
	}
	return out, nil
}

// Analyse gives the findings a user sees for a Dockerfile opened with no
// build context on disk and default settings: the same pipeline as check
// and the editor. A finding's line is that of the instruction it is in.
func Analyse(ctx context.Context, doc *dockerfile.Document) ([]Finding, error) {
	rep, err := analysis.Run(ctx, analysis.Input{Doc: doc, Settings: config.Settings{}})
	if err != nil {
		return nil, err
	}
	out := make([]Finding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		line := doc.Lines.LineOf(min(f.Span.Start, len(doc.Text))) + 1
		out = append(out, Finding{Rule: f.Rule, Line: instructionLine(doc, line), Message: f.Message})
	}
	return out, nil
}

// instructionLine is the 1-based first line of the instruction that holds
// a 1-based line, or the line itself outside instructions. Findings and
// labels both count by instruction: a rule may point at the command inside
// a long RUN where the reviewer labels the RUN.
func instructionLine(doc *dockerfile.Document, line int) int {
	for _, in := range doc.Instructions {
		if in.Line <= line-1 && line-1 <= in.EndLine {
			return in.Line + 1
		}
	}
	return line
}

// byInstruction moves each label to its instruction's first line and drops
// the repeats that makes; a want and a not for the same finding is an error.
func byInstruction(doc *dockerfile.Document, name string, labels []Label) ([]Label, error) {
	seen := map[key]Verdict{}
	var out []Label
	for _, l := range labels {
		l.Line = instructionLine(doc, l.Line)
		k := key{l.Rule, l.Line}
		if v, ok := seen[k]; ok {
			if v != l.Verdict {
				return nil, fmt.Errorf("%s: both want and not for %s at the instruction of line %d", name, l.Rule, l.Line)
			}
			continue
		}
		seen[k] = l.Verdict
		out = append(out, l)
	}
	return out, nil
}

// ScoreDir analyses and scores the Dockerfiles of a split whose path
// relative to dir contains only (all with ""). A Dockerfile without labels
// is an error: the set is judged whole.
func ScoreDir(ctx context.Context, dir, only string) (*Score, error) {
	files, err := Files(dir)
	if err != nil {
		return nil, err
	}
	s := &Score{}
	for _, path := range files {
		if rel, _ := filepath.Rel(dir, path); !strings.Contains(rel, only) {
			continue
		}
		if err := scoreFile(ctx, s, dir, path); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func scoreFile(ctx context.Context, s *Score, dir, path string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the labelled set: %w", err)
	}
	labelText, err := os.ReadFile(path + LabelsSuffix)
	if err != nil {
		return fmt.Errorf("%s has no labels: %w", path, err)
	}
	labels, err := ParseLabels(path+LabelsSuffix, labelText)
	if err != nil {
		return err
	}
	doc := dockerfile.Parse(text)
	if labels, err = byInstruction(doc, path+LabelsSuffix, labels); err != nil {
		return err
	}
	findings, err := Analyse(ctx, doc)
	if err != nil {
		return fmt.Errorf("analysing %s: %w", path, err)
	}
	rel, _ := filepath.Rel(dir, path)
	s.Add(rel, findings, labels)
	return nil
}
