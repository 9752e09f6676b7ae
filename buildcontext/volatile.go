package buildcontext

import (
	"path"
	"strings"
)

// Volatile is a directory that changes on every commit or install and is
// sent with the context because the ignore file does not exclude it.
type Volatile struct {
	Path   string // slash path relative to the root
	Reason string
	Files  int   // included files below it
	Bytes  int64 // included bytes below it
}

// volatileRule describes one kind of churn-prone directory. Rules match the
// directory's base name at any depth (monorepos nest node_modules etc.).
type volatileRule struct {
	name   string
	reason string
	// needSibling: only when one of these files sits next to the directory,
	// because "target" is also an ordinary source folder name.
	needSibling []string
	// needChild: only when this file is inside, e.g. pyvenv.cfg marks a venv.
	needChild string
	// unlessDockerfile: "build" and "dist" often hold Dockerfiles and
	// sources; such a directory is not build output.
	unlessDockerfile bool
}

// volatileRules is the single table of what counts as volatile and why.
var volatileRules = []volatileRule{
	{name: ".git", reason: "git metadata: changes on every commit, fetch and checkout"},
	{name: "node_modules", reason: "installed npm/yarn/pnpm packages: change on every install"},
	{name: "__pycache__", reason: "Python bytecode cache: rewritten whenever sources are imported"},
	{name: ".venv", reason: "Python virtualenv: changes on every pip install"},
	{name: "venv", reason: "Python virtualenv: changes on every pip install", needChild: "pyvenv.cfg"},
	{name: ".tox", reason: "tox environments: rebuilt on dependency changes"},
	{name: ".pytest_cache", reason: "pytest cache: rewritten on every test run"},
	{name: ".mypy_cache", reason: "mypy cache: rewritten on every type check"},
	{name: "target", reason: "Rust/Maven build output: rewritten on every build", needSibling: []string{"Cargo.toml", "pom.xml"}},
	{name: "dist", reason: "build/package output: rewritten on every build", unlessDockerfile: true},
	{name: "build", reason: "build output: rewritten on every build", unlessDockerfile: true},
	{name: ".next", reason: "Next.js build cache: rewritten on every build"},
	{name: ".gradle", reason: "Gradle caches: change on every build"},
	{name: "coverage", reason: "test coverage reports: rewritten on every test run"},
}

var volatileByName = func() map[string]*volatileRule {
	m := make(map[string]*volatileRule, len(volatileRules))
	for i := range volatileRules {
		m[volatileRules[i].name] = &volatileRules[i]
	}
	return m
}()

// Volatile lists volatile directories that the ignore file does not exclude
// and that contain at least one included file, outermost only (a
// node_modules inside node_modules is part of its parent's report), sorted.
func (c *Context) Volatile() []Volatile {
	var out []Volatile
	for i := range c.entries {
		e := &c.entries[i]
		if !e.isDir() || e.flags&flagExcluded != 0 || e.files == 0 {
			continue
		}
		r := volatileByName[path.Base(e.path)]
		if r == nil || insideReported(e.path, out) || !c.ruleApplies(r, e.path) {
			continue
		}
		out = append(out, Volatile{Path: e.path, Reason: r.reason, Files: int(e.files), Bytes: e.size})
	}
	return out
}

// insideReported: entries are sorted, so any reported ancestor came first.
func insideReported(p string, reported []Volatile) bool {
	for _, v := range reported {
		if strings.HasPrefix(p, v.Path+"/") {
			return true
		}
	}
	return false
}

func (c *Context) ruleApplies(r *volatileRule, dir string) bool {
	if r.needChild != "" && !c.Exists(dir+"/"+r.needChild) {
		return false
	}
	if len(r.needSibling) > 0 && !c.hasSibling(dir, r.needSibling) {
		return false
	}
	return !r.unlessDockerfile || !c.holdsDockerfile(dir)
}

func (c *Context) hasSibling(dir string, names []string) bool {
	parent := path.Dir(dir)
	for _, n := range names {
		if _, ok := c.find(path.Join(parent, n)); ok {
			return true
		}
	}
	return false
}

// holdsDockerfile looks for Dockerfile, Dockerfile.*, *.Dockerfile (any
// case) anywhere below dir.
func (c *Context) holdsDockerfile(dir string) bool {
	lo, hi := c.subtree(dir)
	for i := lo; i < hi; i++ {
		b := strings.ToLower(path.Base(c.entries[i].path))
		if b == "dockerfile" || strings.HasPrefix(b, "dockerfile.") || strings.HasSuffix(b, ".dockerfile") {
			return true
		}
	}
	return false
}
