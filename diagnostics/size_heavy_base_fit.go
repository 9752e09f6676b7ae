package diagnostics

import (
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

// usableSlimmer are the smaller variants of b the final image could use:
// not one of another distribution than the packages the file installs
// (nginx:alpine for a file that runs apt-get), and, when the full variant
// carries buildpack-deps, none while the file needs what only it has: git
// (git, bower) that the file does not install, or the compilers that a
// gem or bundle install builds native gems with.
func usableSlimmer(bs *dockerfile.BuildState, doc *dockerfile.Document, b imgsize.BaseImage) []imgsize.Alternative {
	need := needsOf(bs, doc)
	var out []imgsize.Alternative
	for _, s := range b.Slimmer {
		family := "debian"
		if strings.Contains(s.Ref, "alpine") {
			family = "alpine"
		}
		if len(need.systems) > 0 && !need.systems[family] {
			continue
		}
		if len(b.Packages) > 0 && (need.git || need.compilers && b.Repo == "ruby") {
			continue
		}
		out = append(out, s)
	}
	return out
}

// fullNeeds is what the shipped stages need of their base.
type fullNeeds struct {
	systems   map[string]bool // ecosystems of the system package managers used (debian, alpine, rpm)
	git       bool            // runs git without installing it
	compilers bool            // installs gems without installing compilers
}

func needsOf(bs *dockerfile.BuildState, doc *dockerfile.Document) fullNeeds {
	need := fullNeeds{systems: map[string]bool{}}
	installed := map[string]bool{}
	final := finalStages(doc)
	for _, st := range doc.Stages {
		if !final[st.Index] {
			continue
		}
		for _, in := range st.Instructions {
			if in.Keyword == "RUN" {
				need.read(bs, in, installed)
			}
		}
	}
	return need
}

// read adds what one RUN needs; installed are the system packages the
// file installed so far.
func (need *fullNeeds) read(bs *dockerfile.BuildState, in *dockerfile.Instruction, installed map[string]bool) {
	r := runOf(bs, in)
	next := 0 // the first of r.all not read yet: they are in the order of r.cmds
	for _, c := range r.cmds {
		var inv pkgmgr.Invocation
		ok := next < len(r.all) && sameCommand(r.all[next].Command, c)
		if ok {
			inv, next = r.all[next], next+1
		}
		switch {
		case ok && inv.Manager != nil && inv.Manager.System:
			need.systems[inv.Manager.Ecosystem] = true
			if inv.Action == pkgmgr.Install {
				for _, p := range inv.Packages {
					installed[packageName(p)] = true
				}
			}
		case ok && inv.Manager != nil && inv.Manager.Ecosystem == "ruby" && inv.Action == pkgmgr.Install:
			need.compilers = need.compilers || !slices.ContainsFunc([]string{"build-essential", "gcc", "build-base", "make"}, func(p string) bool { return installed[p] })
		}
		if name := path.Base(c.Name()); (name == "git" || name == "bower") && !installed["git"] && !installed["git-core"] {
			need.git = true
		}
	}
}
