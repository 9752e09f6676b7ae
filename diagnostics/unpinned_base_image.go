package diagnostics

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

var unpinnedBaseImage = &Rule{
	Name: "UnpinnedBaseImage", Category: Cache, Severity: Info,
	Summary: "a base image without a tag, or with :latest, changes under the cache without notice",
	DocsURL: DocsBase + "UnpinnedBaseImage.md",
	Check:   checkUnpinnedBaseImage,
}

// checkUnpinnedBaseImage reports FROM lines naming an external image with
// no tag or :latest and no digest: BuildKit keeps using the cached image
// until it is pulled again, then silently rebuilds everything on top of a
// different one.
func checkUnpinnedBaseImage(p *Pass) {
	for _, st := range p.Doc.Stages {
		base := st.Base
		if base == "" || strings.Contains(base, "$") || strings.EqualFold(base, "scratch") || isEarlierStage(p, st.Index, base) {
			continue
		}
		ref, err := reference.ParseNormalizedNamed(base)
		if err != nil {
			continue // BuildKit reports malformed names
		}
		if _, digested := ref.(reference.Digested); digested {
			continue
		}
		tagged, hasTag := ref.(reference.Tagged)
		if hasTag && tagged.Tag() != "latest" {
			continue
		}
		what := "has no tag, so it means :latest"
		if hasTag {
			what = "uses :latest"
		}
		p.Report(st.BaseSpan, fmt.Sprintf("%s %s: the build cache keeps whatever image was pulled first, and a later pull silently changes every layer built on it. Pin a version tag (and a digest for reproducible builds).", base, what), nil, nil)
	}
}

// isEarlierStage reports whether name refers to a stage defined before
// stage index (BuildKit matches stage names case-insensitively).
func isEarlierStage(p *Pass, index int, name string) bool {
	st := p.Doc.StageByName(name)
	return st != nil && st.Index < index
}
