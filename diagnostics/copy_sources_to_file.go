package diagnostics

import (
	"fmt"
	"path"
	"slices"
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
	made := madeDirs{bs: st, full: map[int]map[string]bool{}}
	for _, stage := range p.Doc.Stages {
		// The directories made are worked out only for the stages that
		// have such a COPY: most files have none, and this runs on every
		// keystroke.
		if !slices.ContainsFunc(stage.Instructions, severalSourcesToFile) {
			continue
		}
		dirs := made.inherited(stage)
		for _, inst := range stage.Instructions {
			if severalSourcesToFile(inst) {
				checkCopyDest(p, st.Of(inst), inst, dirs)
			}
			made.add(dirs, inst)
		}
	}
}

// severalSourcesToFile: a COPY or ADD of several sources whose destination,
// as written, does not end with / (expanding it cannot add one).
func severalSourcesToFile(in *dockerfile.Instruction) bool {
	return (in.Keyword == "COPY" || in.Keyword == "ADD") && len(in.Args) >= 3 && !strings.HasSuffix(in.Args[len(in.Args)-1].Value, "/")
}

// checkCopyDest reports the COPY or ADD if it copies a file and more to
// a destination without / that is not in dirs (the directories known to
// exist) when it runs.
func checkCopyDest(p *Pass, x dockerfile.InstState, inst *dockerfile.Instruction, dirs map[string]bool) {
	reads := x.Copy()
	dest := reads.Dest.Text
	if len(inst.Args) < 3 || !reads.Dest.Known || dest == "" || strings.HasSuffix(dest, "/") || path.Base(dest) == "." || path.Base(dest) == ".." {
		return
	}
	file, ok := firstFileNotLast(p, reads)
	if !ok {
		return
	}
	abs := path.Clean(dest)
	if !path.IsAbs(abs) {
		wd := x.Workdir()
		if !wd.Known {
			return
		}
		abs = path.Join(wd.Text, dest)
	}
	if dirs[abs] || systemDirs[abs] || strings.HasPrefix(abs, "/etc/") && strings.HasSuffix(abs, ".d") {
		return
	}
	last := inst.Args[len(inst.Args)-1]
	p.Report(last.Span, fmt.Sprintf(
		"%s is no directory yet and has no trailing /: BuildKit copies %s to the file %s, then each next source onto it, so the image keeps only the last (a directory after a file fails the build; the classic builder refuses it). End it with /.",
		dest, file, abs), nil, &FixData{Kind: AddDestSlash, Args: map[string]string{
		"offset": strconv.Itoa(last.Span.End), "text": "/"}})
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
// directories in theirs (as do /etc/*.d).
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

// madeDirs are the directories the instructions of a file make: the
// working directory and its parents (WORKDIR creates them), what a COPY
// creates (its destination when it ends with /, and the parents of its
// destination), what mkdir creates (its operands and their parents).
// Each stage's are computed once: asking each COPY to scan the stages
// before it would make a long file quadratic.
type madeDirs struct {
	bs   *dockerfile.BuildState
	full map[int]map[string]bool // by stage index: all its instructions'
}

// inherited are the directories the stages st builds FROM made, as a new
// set that st's instructions then add to.
func (m madeDirs) inherited(st *dockerfile.Stage) map[string]bool {
	dirs := map[string]bool{}
	for _, parent := range stageChain(m.bs, st)[1:] {
		for d := range m.of(parent) {
			dirs[d] = true
		}
	}
	return dirs
}

// of is the set of every directory stage st's own instructions make.
func (m madeDirs) of(st *dockerfile.Stage) map[string]bool {
	if dirs, ok := m.full[st.Index]; ok {
		return dirs
	}
	dirs := map[string]bool{}
	m.full[st.Index] = dirs // a cycle of stages ends here
	for _, in := range st.Instructions {
		m.add(dirs, in)
	}
	return dirs
}

// add puts in dirs the directories in makes.
func (m madeDirs) add(dirs map[string]bool, in *dockerfile.Instruction) {
	x := m.bs.Of(in)
	wd := x.Workdir()
	if !wd.Known {
		return
	}
	switch in.Keyword {
	case "WORKDIR":
		addWithParents(dirs, wd.Text)
	case "COPY", "ADD":
		if d := x.Copy().Dest; d.Known && d.Text != "" {
			abs := path.Join(wd.Text, d.Text)
			if path.IsAbs(d.Text) {
				abs = path.Clean(d.Text)
			}
			if strings.HasSuffix(d.Text, "/") {
				addWithParents(dirs, abs)
			} else {
				addWithParents(dirs, path.Dir(abs))
			}
		}
	case "RUN":
		for _, c := range commands(m.bs, in) {
			if c.Name() == "mkdir" {
				for _, dir := range mkdirOperands(x, c, wd.Text) {
					addWithParents(dirs, dir)
				}
			}
		}
	}
}

func addWithParents(dirs map[string]bool, dir string) {
	for ; !dirs[dir]; dir = path.Dir(dir) {
		dirs[dir] = true
		if dir == "/" || dir == "." {
			return
		}
	}
}

// mkdirOperands are a mkdir's operands, absolute, their ARGs and ENVs
// expanded; those the build state does not know are left out.
func mkdirOperands(x dockerfile.InstState, c shell.Command, wd string) []string {
	var out []string
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
			v = path.Join(wd, v)
		}
		out = append(out, path.Clean(v))
	}
	return out
}
