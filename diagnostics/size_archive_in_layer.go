package diagnostics

import (
	"fmt"
	"path"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

var archiveInLayer = &Rule{
	Name: "ArchiveInLayer", Category: Size, Severity: Info,
	Summary: "an archive downloaded by ADD <url> or RUN curl/wget is extracted or installed in a later layer: the archive stays in the image next to what it unpacked",
	DocsURL: DocsBase + "ArchiveInLayer.md",
	Check:   checkArchiveInLayer,
}

// downloadExts are file endings of archives and package files that are
// unpacked or installed after the download.
var downloadExts = []string{
	".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst",
	".zip", ".gz", ".bz2", ".xz", ".zst", ".7z", ".deb", ".rpm", ".whl", ".apk", ".gem", ".run",
}

// extractors unpack or install a file named on their command line
// (package managers' installs are recognised through the catalog).
var extractors = map[string]bool{
	"tar": true, "bsdtar": true, "unzip": true, "gunzip": true, "gzip": true, "bunzip2": true, "bzip2": true,
	"xz": true, "unxz": true, "zstd": true, "unzstd": true, "7z": true, "7za": true, "dpkg": true, "rpm": true,
	"sh": true, "bash": true, "jar": true,
}

func isArchive(name string) bool {
	n := strings.ToLower(name)
	for _, e := range downloadExts {
		if strings.HasSuffix(n, e) {
			return true
		}
	}
	return false
}

// download is an archive a step leaves in its layer.
type download struct {
	file     string
	span     dockerfile.Span
	what     string // the step, for the message
	unpacked bool   // the same RUN unpacks it (and never deletes it)
	local    bool   // copied from the build context, not downloaded
	source   string // the context source of a local one
}

func checkArchiveInLayer(p *Pass) {
	bs := p.state()
	shipped := shippedStages(p.Doc)
	for _, st := range p.Doc.Stages {
		if !shipped[st.Index] {
			continue
		}
		for i, inst := range st.Instructions {
			for _, d := range archivesLeft(bs, inst) {
				user, ok := laterUser(bs, st.Instructions[i+1:], d.file)
				switch {
				case d.unpacked:
					p.Report(d.span, fmt.Sprintf(
						"%s downloads the archive %s, which this RUN unpacks and never deletes: the image holds it twice, packed and unpacked. Delete it in this RUN (`&& rm %s`), or stream it (`curl -fsSL <url> | tar -xz -C <dir>`).",
						d.what, d.file, d.file), nil, nil)
				case ok && d.local:
					p.Report(d.span, fmt.Sprintf(
						"%s copies the archive %s into this layer, and line %d unpacks or installs it in another: the image holds it twice, packed and unpacked, even if a later RUN deletes it. Read it from a bind mount in that RUN (`RUN --mount=type=bind,source=%s,target=%s …`), or unpack it in a build stage and copy the result.",
						d.what, d.file, user.Line+1, d.source, d.file),
						[]Related{{Span: user.Span, Message: "unpacked here"}}, nil)
				case ok:
					p.Report(d.span, fmt.Sprintf(
						"%s leaves the archive %s in this layer, and line %d unpacks or installs it in another: the image holds it twice, packed and unpacked, even if a later RUN deletes it. Download, unpack and delete it in one RUN (e.g. `curl -fsSL <url> | tar -xz -C <dir>`), or do it in a build stage and copy the result.",
						d.what, d.file, user.Line+1),
						[]Related{{Span: user.Span, Message: "unpacked here"}}, nil)
				}
			}
		}
	}
}

// archivesLeft are the archives an instruction downloads and does not
// delete itself: ADD <url>, or curl/wget in a RUN.
func archivesLeft(bs *dockerfile.BuildState, inst *dockerfile.Instruction) []download {
	var out []download
	switch inst.Keyword {
	case "ADD", "COPY":
		return copiedArchives(bs, inst)
	case "RUN":
		cs := commands(bs, inst)
		var places []place // worked out at the first download
		for k, c := range cs {
			if c.AfterOr || (c.Name() != "curl" && c.Name() != "wget") {
				continue
			}
			if places == nil {
				places = commandPlaces(bs, inst, cs)
			}
			for _, t := range downloadTargets(c, places[k]) {
				if !isArchive(t.path) || deletedLater(cs, places, k+1, t.path) {
					continue
				}
				out = append(out, download{file: t.path, span: cmdSpan(inst, c), what: cmdText(c),
					unpacked: unpacks(cs, places, k+1, t.path)})
			}
		}
	}
	return out
}

// copiedArchives are the archives an ADD downloads (ADD <url>), and those
// a COPY or ADD brings from the build context without unpacking them (ADD
// unpacks local tar archives itself, not a .zip, .deb or .rpm).
func copiedArchives(bs *dockerfile.BuildState, inst *dockerfile.Instruction) []download {
	pl := placeOf(bs, inst)
	cp := pl.x.Copy()
	dest, ok := pl.abs(cp.Dest.Text)
	if cp.From.Name != "" || !cp.Dest.Known || !ok {
		return nil
	}
	var out []download
	for _, s := range cp.Sources {
		remote := strings.Contains(s.Text, "://")
		name := path.Base(s.Text)
		if remote {
			name = urlBase(s.Text)
		}
		if !s.Known || name == "" || !isArchive(name) || remote && inst.Keyword != "ADD" ||
			!remote && (strings.ContainsAny(name, "*?[") || inst.Keyword == "ADD" && addUnpacks(name)) {
			continue
		}
		file := dest
		if strings.HasSuffix(cp.Dest.Text, "/") || len(cp.Sources) > 1 || cp.Dest.Text == "." {
			file = path.Join(file, name)
		}
		d := download{file: file, span: inst.Span, what: "`" + inst.Keyword + " " + s.Text + "`"}
		if !remote {
			d.local, d.source = true, s.Text
		}
		out = append(out, d)
	}
	return out
}

// addUnpacks: ADD extracts a local archive of this name itself (tar,
// compressed or not).
func addUnpacks(name string) bool {
	n := strings.ToLower(name)
	for _, e := range []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".gz", ".bz2", ".xz"} {
		if strings.HasSuffix(n, e) {
			return true
		}
	}
	return false
}

// unpacks: a command of cs from the one at from on unpacks or installs
// file, each resolved where it runs (places).
func unpacks(cs []shell.Command, places []place, from int, file string) bool {
	for k := from; k < len(cs); k++ {
		if !cs[k].AfterOr && unpacksFile(cs[k], places[k], file) {
			return true
		}
	}
	return false
}

// deletedLater: a command of cs from the one at from on deletes file, or
// a folder that holds it.
func deletedLater(cs []shell.Command, places []place, from int, file string) bool {
	var room [4]string
	for k := from; k < len(cs); k++ {
		if cs[k].AfterOr {
			continue
		}
		for _, t := range appendRemoved(room[:0], cs[k], placed(places[k])) {
			if createdBy([]created{{path: file}}, t) {
				return true
			}
		}
	}
	return false
}

// laterUser is the first later RUN that unpacks or installs file.
func laterUser(bs *dockerfile.BuildState, later []*dockerfile.Instruction, file string) (*dockerfile.Instruction, bool) {
	for _, in := range later {
		if in.Keyword != "RUN" {
			continue
		}
		lazy := lazyPlace{st: bs, in: in}
		for _, c := range commands(bs, in) {
			if unpacksFile(c, lazy.get(), file) {
				return in, true
			}
		}
	}
	return nil, false
}

// unpacksFile: c is an extractor or a package install that names file.
func unpacksFile(c shell.Command, pl place, file string) bool {
	inv, isInv := pkgmgr.Classify(c)
	if !extractors[c.Name()] && !(isInv && inv.Action == pkgmgr.Install) {
		return false
	}
	for _, w := range c.Args[1:] {
		v := wordText(w)
		if w.Dynamic || strings.HasPrefix(v, "-") && !strings.Contains(v, "=") {
			continue
		}
		if _, after, ok := strings.Cut(v, "="); ok && strings.HasPrefix(v, "-") {
			v = after
		}
		if p, ok := pl.abs(v); ok && p == file {
			return true
		}
	}
	return false
}
