package diagnostics

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// AddDestSlash is the fix of CopySourcesToFile: a / after the
// destination.
const AddDestSlash FixKind = "add-dest-slash"

var copySourcesToFile = &Rule{
	Name: "CopySourcesToFile", Category: Syntax, Severity: Warning,
	Summary: "COPY or ADD of several files to a destination without a trailing / that is not a directory yet: BuildKit copies each onto the same file, and the image keeps only the last (the classic builder refuses the file)",
	DocsURL: DocsBase + "CopySourcesToFile.md",
	Check:   checkCopySourcesToFile,
}

// checkCopySourcesToFile reports a COPY or ADD whose first file source is
// followed by another source, into a destination that does not end with
// / and is not known to be a directory yet. BuildKit (fsutil's Copy)
// copies the first file to the destination's name, then the next source
// onto that file: a file replaces it, a directory fails ("cannot copy to
// non-directory"). Directories alone merge their contents, as with a /.
func checkCopySourcesToFile(p *Pass) {
	st := p.state()
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "COPY" && inst.Keyword != "ADD" || inst.Stage < 0 || len(inst.Args) < 3 {
			continue
		}
		x := st.Of(inst)
		reads := x.Copy()
		dest := reads.Dest.Text
		if !reads.Dest.Known || strings.HasSuffix(dest, "/") || path.Base(dest) == "." || path.Base(dest) == ".." || dest == "" {
			continue
		}
		file, ok := firstFileNotLast(p, reads)
		if !ok {
			continue
		}
		abs := dest
		if !path.IsAbs(abs) {
			wd := x.Workdir()
			if !wd.Known {
				continue
			}
			abs = path.Join(wd.Text, dest)
		}
		if dirKnown(st, inst, path.Clean(abs)) {
			continue
		}
		last := inst.Args[len(inst.Args)-1]
		p.Report(last.Span, fmt.Sprintf(
			"%s is no directory yet and has no trailing /: BuildKit copies %s to the file %s, then each next source onto it, so the image keeps only the last (a directory after a file fails the build; the classic builder refuses it). End it with /.",
			dest, file, abs), nil, &FixData{Kind: AddDestSlash, Args: map[string]string{
			"offset": strconv.Itoa(last.Span.End), "text": "/"}})
	}
}

// firstFileNotLast finds a source that is a file, with another source
// after it: in the build context when it is known, else by its name
// (package.json, go.sum, Gemfile: a name with an extension or a known
// file name; not one ending in /, nor a glob or a variable).
func firstFileNotLast(p *Pass, reads dockerfile.CopyReads) (string, bool) {
	srcs := reads.Sources
	for i, s := range srcs[:len(srcs)-1] {
		if !s.Known || strings.ContainsAny(s.Text, "*?[") || strings.HasSuffix(s.Text, "/") {
			return "", false // a glob or a variable may select anything
		}
		if isFileSource(p, reads, s.Text) {
			return s.Text, i < len(srcs)-1
		}
		if !isDirSource(p, reads, s.Text) {
			return "", false
		}
	}
	return "", false
}

// knownFiles are file names without an extension that projects copy.
var knownFiles = map[string]bool{
	"Gemfile": true, "Makefile": true, "Dockerfile": true, "LICENSE": true, "Pipfile": true, "Procfile": true,
	"Rakefile": true, "Cargo.lock": true, "go.mod": true, "go.sum": true, "VERSION": true, "Jenkinsfile": true,
}

func isFileSource(p *Pass, reads dockerfile.CopyReads, src string) bool {
	if strings.HasPrefix(src, "<<") {
		return true // a heredoc is a file
	}
	if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
		return !strings.HasSuffix(src, ".git") && !strings.Contains(src, ".git#") // ADD of a URL is a file, of a repository a directory
	}
	if p.Context != nil && reads.From.Name == "" {
		rel := strings.TrimPrefix(path.Clean("/"+src), "/")
		return p.Context.Exists(rel) && !p.Context.IsDir(rel)
	}
	base := path.Base(src)
	return knownFiles[base] || strings.LastIndexByte(base, '.') > 0
}

func isDirSource(p *Pass, reads dockerfile.CopyReads, src string) bool {
	if p.Context != nil && reads.From.Name == "" {
		rel := strings.TrimPrefix(path.Clean("/"+src), "/")
		return rel == "" || p.Context.IsDir(rel)
	}
	return false // unknown: it may be a file without an extension
}

// systemDirs exist in every Linux image, and official images' own
// directories in theirs.
var systemDirs = map[string]bool{
	"/": true, "/bin": true, "/sbin": true, "/lib": true, "/etc": true, "/tmp": true, "/var": true, "/usr": true,
	"/home": true, "/root": true, "/opt": true, "/srv": true, "/mnt": true, "/run": true, "/media": true,
	"/usr/bin": true, "/usr/sbin": true, "/usr/lib": true, "/usr/share": true, "/usr/local": true, "/usr/src": true,
	"/usr/local/bin": true, "/usr/local/sbin": true, "/usr/local/lib": true, "/usr/local/share": true, "/usr/local/etc": true,
	"/var/lib": true, "/var/log": true, "/var/tmp": true, "/var/cache": true, "/var/run": true,
	"/usr/share/nginx/html": true, "/etc/nginx/conf.d": true, "/var/www/html": true, "/usr/local/apache2/htdocs": true,
	"/docker-entrypoint-initdb.d": true, "/docker-entrypoint.d": true, "/usr/local/tomcat/webapps": true,
	"/usr/local/etc/php/conf.d": true, "/etc/apt/sources.list.d": true, "/etc/apt/apt.conf.d": true,
	"/usr/share/elasticsearch/config": true, "/etc/supervisor/conf.d": true, "/etc/ssl/certs": true,
}

// dirKnown: dir is a directory when inst runs: a system directory, the
// working directory or a parent of it (WORKDIR creates it), or created
// by an earlier instruction of the stage or of the stages it builds FROM
// (a COPY into dir/ or below it, `mkdir`).
func dirKnown(bs *dockerfile.BuildState, inst *dockerfile.Instruction, dir string) bool {
	if systemDirs[dir] || strings.HasPrefix(dir, "/etc/") && strings.HasSuffix(dir, ".d") {
		return true
	}
	doc := bs.Document()
	for _, s := range stageChain(bs, doc.Stages[inst.Stage]) {
		for _, in := range s.Instructions {
			if s.Index == inst.Stage && in.Span.Start >= inst.Span.Start {
				break
			}
			if createsDir(bs, in, dir) {
				return true
			}
		}
	}
	wd := bs.Of(inst).Workdir()
	return wd.Known && under(wd.Text, dir)
}

// createsDir: in makes dir a directory (WORKDIR dir or below, COPY into
// dir/ or below dir, mkdir dir or below).
func createsDir(bs *dockerfile.BuildState, in *dockerfile.Instruction, dir string) bool {
	x := bs.Of(in)
	wd := x.Workdir()
	switch in.Keyword {
	case "WORKDIR":
		return wd.Known && under(wd.Text, dir)
	case "COPY", "ADD":
		d := x.Copy().Dest
		if !d.Known || !wd.Known {
			return false
		}
		abs := path.Join(wd.Text, d.Text)
		if path.IsAbs(d.Text) {
			abs = path.Clean(d.Text)
		}
		return abs != dir && under(abs, dir) || abs == dir && strings.HasSuffix(d.Text, "/")
	case "RUN":
		for _, c := range commands(bs, in) {
			if c.Name() == "mkdir" && mkdirs(x, c, wd, dir) {
				return true
			}
		}
	}
	return false
}

// mkdirs: a mkdir's operand (its ARGs and ENVs expanded) is dir or below
// it.
func mkdirs(x dockerfile.InstState, c shell.Command, wd dockerfile.Expansion, dir string) bool {
	for _, w := range c.Args[1:] {
		v := w.Value
		if w.Dynamic {
			e := x.Expand(w.Raw)
			if !e.Known || e.Truncated {
				continue
			}
			v = e.Text
		}
		if strings.HasPrefix(v, "-") {
			continue
		}
		if !path.IsAbs(v) {
			if !wd.Known {
				continue
			}
			v = path.Join(wd.Text, v)
		}
		if under(path.Clean(v), dir) {
			return true
		}
	}
	return false
}
