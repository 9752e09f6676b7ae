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
// variant is fix-all over the findings of that kind only, for every kind
// found on the way. Versions equal to the original are left out.
func Variants(ctx context.Context, text []byte, ctxDir, dockerfilePath string, perKind bool) ([]Variant, error) {
	bctx, err := buildcontext.Load(ctx, ctxDir, dockerfilePath)
	if err != nil {
		return nil, fmt.Errorf("realbuild: loading the build context: %w", err)
	}
	var internal []error
	find := analysis.Findings(bctx, config.Settings{}, func(err error) { internal = append(internal, err) })
	seen := map[diagnostics.FixKind]bool{}
	all, err := fixWith(ctx, text, bctx, recording(find, seen))
	if err != nil || all == nil {
		return nil, errors.Join(append(internal, err)...)
	}
	applied, err := appliedKinds(ctx, text, all, bctx, find, seen)
	if err != nil {
		return nil, err
	}
	out := []Variant{{Name: FixAll, Kinds: applied, Text: all}}
	if !perKind {
		return out, errors.Join(internal...)
	}
	// Every kind found, not only fix-all's: a fix that fix-all leaves for
	// another (add-no-cache-dir where the pip cache mount applies) is
	// still offered, and a user may take it alone.
	for _, k := range sortedKinds(seen) {
		alone, err := fixWith(ctx, text, bctx, only(find, k, true))
		if err != nil {
			return nil, err
		}
		if alone != nil {
			out = append(out, Variant{Name: string(k), Kinds: []diagnostics.FixKind{k}, Text: alone})
		}
	}
	return out, errors.Join(internal...)
}

// appliedKinds are the kinds of the fixes in what fix-all wrote: those
// without whose findings fix-all writes something else. (The kinds of the
// original's findings would not do: a fix can make room for another, as
// merging apt-get update into the install lets the cache mount in.)
func appliedKinds(ctx context.Context, text, all []byte, bctx *buildcontext.Context, find codeactions.Analysis, seen map[diagnostics.FixKind]bool) ([]diagnostics.FixKind, error) {
	var out []diagnostics.FixKind
	for _, k := range sortedKinds(seen) {
		without, err := fixWith(ctx, text, bctx, only(find, k, false))
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(without, all) {
			out = append(out, k)
		}
	}
	return out, nil
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

// recording is the analysis, noting the fix kinds of what it finds.
func recording(find codeactions.Analysis, seen map[diagnostics.FixKind]bool) codeactions.Analysis {
	return func(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
		fs, err := find(ctx, doc)
		for _, f := range fs {
			seen[codeactions.Kind(f)] = true
		}
		return fs, err
	}
}

func sortedKinds(set map[diagnostics.FixKind]bool) []diagnostics.FixKind {
	out := make([]diagnostics.FixKind, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// only is the analysis restricted to the findings of one fix kind (keep),
// or to all the others.
func only(find codeactions.Analysis, kind diagnostics.FixKind, keep bool) codeactions.Analysis {
	return func(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
		fs, err := find(ctx, doc)
		return slices.DeleteFunc(fs, func(f diagnostics.Finding) bool { return (codeactions.Kind(f) == kind) != keep }), err
	}
}
