package diagnostics

import (
	"fmt"
	"path"
	"strings"

	"github.com/distribution/reference"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

// releaseNamed are images whose release codenames are their versions
// (debian:bookworm, ubuntu:jammy, buildpack-deps:bookworm).
var releaseNamed = map[string]bool{"debian": true, "ubuntu": true, "buildpack-deps": true}

var unpinnedBaseImage = &Rule{
	Name: "UnpinnedBaseImage", Category: Cache, Severity: Info,
	Summary: "a base image (or a COPY --from image) without a tag, with :latest or with a tag that names no version (node:lts, nginx:alpine), changes under the cache without notice",
	DocsURL: DocsBase + "UnpinnedBaseImage.md",
	Check:   checkUnpinnedBaseImage,
}

// checkUnpinnedBaseImage reports FROM lines, and COPY --from and RUN
// --mount from= sources, naming an external image whose tag pins no
// version and no digest: BuildKit keeps using the cached image until it is
// pulled again, then silently rebuilds everything on top of a different
// one.
func checkUnpinnedBaseImage(p *Pass) {
	for _, st := range p.Doc.Stages {
		if st.Base != "" && !strings.EqualFold(st.Base, "scratch") && !isEarlierStage(p, st.Index, st.Base) {
			reportUnpinned(p, st.Base, st.BaseSpan)
		}
		for _, in := range st.Instructions {
			for _, f := range in.Flags {
				if f.Name == "from" && (in.Keyword == "COPY" || in.Keyword == "ADD") && p.Doc.RefIsImage(f.Value) {
					reportUnpinned(p, f.Value, f.ValueSpan)
				}
			}
			for _, m := range in.WrittenMounts() {
				if m.From.Name != "" && p.Doc.RefIsImage(m.From.Name) {
					reportUnpinned(p, m.From.Name, in.Span)
				}
			}
		}
	}
}

func reportUnpinned(p *Pass, image string, span dockerfile.Span) {
	if strings.Contains(image, "$") {
		return // the build's argument chooses it
	}
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return // BuildKit reports malformed names
	}
	if _, digested := ref.(reference.Digested); digested {
		return
	}
	what := "has no tag, so it means :latest"
	if tagged, ok := ref.(reference.Tagged); ok {
		switch tag := tagged.Tag(); {
		case tag == "latest":
			what = "uses :latest"
		case namesVersion(image, tag):
			return
		default:
			what = "names no version (`" + tag + "`), so it moves to new releases"
		}
	}
	p.Report(span, fmt.Sprintf("%s %s: the build cache keeps whatever image was pulled first, and a later pull silently changes every layer built on it. Pin a version tag (and a digest for reproducible builds).", image, what), nil, nil)
}

// rollingTags name a moving branch, not a release.
var rollingTags = map[string]bool{
	"latest": true, "edge": true, "stable": true, "oldstable": true, "testing": true, "unstable": true, "sid": true,
	"rolling": true, "devel": true, "rawhide": true, "current": true, "lts": true, "mainline": true, "nightly": true, "beta": true,
}

// codenames are Debian and Ubuntu releases, which tags carry.
var codenames = map[string]bool{
	"squeeze": true, "wheezy": true, "jessie": true, "stretch": true, "buster": true, "bullseye": true, "bookworm": true,
	"trixie": true, "forky": true, "precise": true, "trusty": true, "xenial": true, "bionic": true, "focal": true,
	"jammy": true, "noble": true,
}

// nodeCodenames are the names of Node.js's long-term-support majors, which
// node's tags carry: node:carbon is Node 8, as node:8 is.
var nodeCodenames = map[string]bool{
	"argon": true, "boron": true, "carbon": true, "dubnium": true, "erbium": true, "fermium": true,
	"gallium": true, "hydrogen": true, "iron": true, "jod": true, "krypton": true,
}

// namesVersion: a part of the tag is a version (3.12, v1.2, amd64-1.10),
// a Node.js LTS codename on node (node:carbon), or a release codename where
// it is the image's own version (debian:bookworm, or an image the size
// table does not list: a distribution's base). node:lts-buster,
// rust:buster, php:apache and nginx:alpine name none of their image's own
// version.
func namesVersion(image, tag string) bool {
	codename := false
	for _, t := range strings.Split(strings.ToLower(tag), "-") {
		switch {
		case rollingTags[t] || t == "":
		case t[0] >= '0' && t[0] <= '9' || len(t) > 1 && t[0] == 'v' && t[1] >= '0' && t[1] <= '9':
			return true
		case nodeCodenames[t] && path.Base(imgsize.Base(image).Repo) == "node":
			return true
		case codenames[t]:
			codename = true
		}
	}
	if !codename {
		return false
	}
	b := imgsize.Base(image)
	return !b.Known || releaseNamed[path.Base(b.Repo)]
}

// isEarlierStage reports whether name refers to a stage defined before
// stage index (BuildKit matches stage names case-insensitively).
func isEarlierStage(p *Pass, index int, name string) bool {
	st := p.Doc.StageByName(name)
	return st != nil && st.Index < index
}
