package realbuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// FixAll names the variant that check --fix writes.
const FixAll = "fix-all"

// Variant is a fixed version of a Dockerfile.
type Variant struct {
	Name  string                // FixAll or the one fix kind applied
	Kinds []diagnostics.FixKind // the kinds of the fixes it may hold
	Text  []byte
}

// Variants are the fixed versions of a Dockerfile whose build context is
// ctxDir: what fix-all writes, and with perKind what each fix kind alone
// writes, all through codeactions.Fixing as check --fix runs it. A kind's
// variant is fix-all over the findings of that kind only. Versions equal
// to the original are left out.
func Variants(ctx context.Context, text []byte, ctxDir, dockerfilePath string, perKind bool) ([]Variant, error) {
	bctx, err := buildcontext.Load(ctx, ctxDir, dockerfilePath)
	if err != nil {
		return nil, fmt.Errorf("realbuild: loading the build context: %w", err)
	}
	var internal []error
	find := analysis.Findings(bctx, config.Settings{}, func(err error) { internal = append(internal, err) })
	findings, err := find(ctx, dockerfile.Parse(text))
	if err != nil {
		return nil, fmt.Errorf("realbuild: analysis: %w", err)
	}
	var out []Variant
	var applied []diagnostics.FixKind
	for _, k := range kindsOf(findings) {
		v, err := fixWith(ctx, text, bctx, only(find, k))
		if err != nil {
			return nil, err
		}
		if v != nil {
			applied = append(applied, k)
			if perKind {
				out = append(out, Variant{Name: string(k), Kinds: []diagnostics.FixKind{k}, Text: v})
			}
		}
	}
	all, err := fixWith(ctx, text, bctx, find)
	if err != nil {
		return nil, err
	}
	if all != nil {
		out = append([]Variant{{Name: FixAll, Kinds: applied, Text: all}}, out...)
	}
	return out, errors.Join(internal...)
}

// fixWith is what fix-all writes with those findings; nil when it
// changes nothing.
func fixWith(ctx context.Context, text []byte, bctx *buildcontext.Context, find codeactions.Analysis) ([]byte, error) {
	fixed, err := codeactions.Fixing{Context: bctx, Analyse: find}.Run(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("realbuild: fix all: %w", err)
	}
	if bytes.Equal(fixed.Doc.Text, text) {
		return nil, nil
	}
	return fixed.Doc.Text, nil
}

// kindsOf are the fix kinds of the findings, sorted.
func kindsOf(findings []diagnostics.Finding) []diagnostics.FixKind {
	var kinds []diagnostics.FixKind
	for _, f := range findings {
		if k := codeactions.Kind(f); !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	slices.Sort(kinds)
	return kinds
}

// only is the analysis restricted to the findings of one fix kind.
func only(find codeactions.Analysis, kind diagnostics.FixKind) codeactions.Analysis {
	return func(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
		fs, err := find(ctx, doc)
		return slices.DeleteFunc(fs, func(f diagnostics.Finding) bool { return codeactions.Kind(f) != kind }), err
	}
}
