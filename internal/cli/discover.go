package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// skippedDirs are never searched: version control, dependencies.
var skippedDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true, "vendor": true}

// isDockerfileName reports whether a file name is a Dockerfile's:
// Dockerfile, Dockerfile.*, *.Dockerfile and the same with Containerfile,
// except ignore files (Dockerfile.dockerignore).
func isDockerfileName(name string) bool {
	if strings.HasSuffix(name, ".dockerignore") || strings.HasSuffix(name, ".containerignore") {
		return false
	}
	for _, base := range []string{"Dockerfile", "Containerfile"} {
		if name == base || strings.HasPrefix(name, base+".") && len(name) > len(base)+1 || strings.HasSuffix(name, "."+base) {
			return true
		}
	}
	return false
}

// Collect turns the command line's paths into files; failed is true when
// a path could not be read or found no Dockerfile (reported on stderr).
func (c *Checker) Collect(paths []string) (targets []Target, failed bool) {
	noPath := len(paths) == 0
	if noPath {
		paths = []string{"."}
	}
	seen := map[string]bool{}
	found := 0 // files the current path found, even when seen before
	add := func(root, p string) {
		found++
		if key := filepath.Clean(p); !seen[key] {
			seen[key] = true
			targets = append(targets, Target{Path: key, Root: root})
		}
	}
	for _, p := range paths {
		if p == "-" {
			targets = append(targets, Target{Stdin: true})
			continue
		}
		found = 0
		st, err := os.Stat(p)
		switch {
		case err == nil && st.IsDir():
			c.walk(p, func(rel string) bool { return isDockerfileName(filepath.Base(rel)) }, add)
			if found == 0 {
				c.nothingFound(folderName(p, noPath))
				failed = true
			}
		case err == nil:
			// The project file's ignore list holds for named files too (as
			// pre-commit names them); .gitignore does not.
			if abs, err := filepath.Abs(p); err == nil && c.ignored(abs, false) {
				fmt.Fprintf(c.o.Stderr, "dockerfile-ls: skipping %s: the project file ignores it\n", p)
				continue
			}
			add("", p)
		case config.HasMeta(p):
			root, pattern := splitGlob(p)
			c.walk(root, func(rel string) bool { return config.MatchGlob(pattern, rel) }, add)
			if found == 0 {
				fmt.Fprintf(c.o.Stderr, "dockerfile-ls: no file matches %q\n", p)
				failed = true
			}
		default:
			fmt.Fprintf(c.o.Stderr, "dockerfile-ls: %v\n", err)
			failed = true
		}
	}
	return targets, failed
}

// nothingFound reports a folder without Dockerfiles: an error, as a glob
// that matches nothing is, since a check that checked nothing has not
// passed.
func (c *Checker) nothingFound(folder string) {
	fmt.Fprintf(c.o.Stderr, "dockerfile-ls: no Dockerfile in %s or below (looked for Dockerfile, Dockerfile.*, *.Dockerfile and Containerfile, outside .git, node_modules, vendor and ignored folders)\n", folder)
}

// folderName is how messages name a searched folder.
func folderName(p string, implicit bool) string {
	if implicit {
		return "the current folder"
	}
	return p
}

// splitGlob splits a glob into the folder before its first wildcard and
// the rest (slash-separated).
func splitGlob(p string) (root, pattern string) {
	parts := strings.Split(filepath.ToSlash(p), "/")
	i := 0
	for i < len(parts)-1 && !config.HasMeta(parts[i]) {
		i++
	}
	root = strings.Join(parts[:i], "/")
	if root == "" && strings.HasPrefix(p, "/") {
		root = "/"
	} else if root == "" {
		root = "."
	}
	return filepath.FromSlash(root), strings.Join(parts[i:], "/")
}

// walk calls add for each file under root whose slash-separated path
// relative to root match accepts, skipping the folders in skippedDirs,
// what .gitignore files ignore and what the project files' ignore lists
// name. Symbolic links to folders are not followed; links to files are
// files.
func (c *Checker) walk(root string, match func(rel string) bool, add func(root, path string)) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		fmt.Fprintf(c.o.Stderr, "dockerfile-ls: %v\n", err)
		return
	}
	gi := newGitIgnores(absRoot)
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != root {
				fmt.Fprintf(c.o.Stderr, "dockerfile-ls: warning: %v\n", err)
			}
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		abs := filepath.Join(absRoot, rel)
		if d.IsDir() {
			if p == root {
				gi.load(abs)
				return nil
			}
			if skippedDirs[d.Name()] || gi.ignored(abs, true) || c.ignored(abs, true) {
				return filepath.SkipDir
			}
			gi.load(abs)
			return nil
		}
		if !match(filepath.ToSlash(rel)) {
			return nil
		}
		if gi.ignored(abs, false) || c.ignored(abs, false) || !c.isFile(root, p, d) {
			return nil
		}
		add(root, p)
		return nil
	})
}

// isFile reports whether the walk's entry at p is a regular file, or a
// symlink to one that stays inside root, the folder searched; it says why
// it skips anything else (a FIFO named Dockerfile would block the read, a
// device never end it, and a link out of root would have check read, and
// --fix write, a file the user did not ask about: named, it is checked).
func (c *Checker) isFile(root, p string, d fs.DirEntry) bool {
	if d.Type().IsRegular() {
		return true
	}
	fi, err := os.Stat(p)
	if err == nil {
		err = safefile.Regular(p, fi)
	}
	if err == nil && !inside(p, root) {
		err = fmt.Errorf("%s: a symlink to %s, outside %s (name it to check it)", p, resolved(p), root)
	}
	if err != nil {
		fmt.Fprintf(c.o.Stderr, "dockerfile-ls: warning: skipping %v\n", err)
	}
	return err == nil
}

// ignored reports whether the project file of the path's folder ignores
// it.
func (c *Checker) ignored(abs string, isDir bool) bool {
	f := c.projectFile(filepath.Dir(abs))
	return f != nil && f.Ignored(abs, isDir)
}

// gitIgnores holds the .gitignore files of the folders walked and of
// their parents up to the repository's root.
type gitIgnores struct {
	top   string // the repository root (or the walk's root outside one)
	rules map[string][]gitRule
}

type gitRule struct {
	pattern string
	negate  bool
}

func newGitIgnores(absRoot string) *gitIgnores {
	g := &gitIgnores{top: absRoot, rules: map[string][]gitRule{}}
	var chain []string
	for d := absRoot; ; d = filepath.Dir(d) {
		chain = append(chain, d)
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			g.top = d
			break
		}
		if filepath.Dir(d) == d {
			chain = chain[:1] // not in a repository: only the root's own
			break
		}
	}
	for _, d := range chain[1:] {
		g.load(d)
	}
	return g
}

// load reads dir's .gitignore, once.
func (g *gitIgnores) load(dir string) {
	if _, ok := g.rules[dir]; ok {
		return
	}
	g.rules[dir] = nil
	// Through safefile: a FIFO .gitignore would hang check, a device
	// exhaust its memory, a symlink lead out of the repository.
	data, err := safefile.Read(g.top, filepath.Join(dir, ".gitignore"), safefile.MaxIgnoreFile)
	if err != nil {
		return
	}
	var rules []gitRule
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, " \r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := gitRule{pattern: line}
		if strings.HasPrefix(line, "!") {
			r = gitRule{pattern: line[1:], negate: true}
		}
		r.pattern = strings.TrimPrefix(r.pattern, `\`)
		rules = append(rules, r)
	}
	g.rules[dir] = rules
}

// ignored applies the .gitignore files from the top down to abs; the last
// matching pattern decides.
func (g *gitIgnores) ignored(abs string, isDir bool) bool {
	var dirs []string
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		dirs = append(dirs, d)
		if d == g.top || filepath.Dir(d) == d {
			break
		}
	}
	ignored := false
	for i := len(dirs) - 1; i >= 0; i-- {
		rules := g.rules[dirs[i]]
		if len(rules) == 0 {
			continue
		}
		rel, err := filepath.Rel(dirs[i], abs)
		if err != nil {
			continue
		}
		for _, r := range rules {
			if config.MatchPath(r.pattern, filepath.ToSlash(rel), isDir) {
				ignored = !r.negate
			}
		}
	}
	return ignored
}
