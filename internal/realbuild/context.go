package realbuild

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// The manifests a generated context holds name one small real
// dependency each, so that an install is never a no-op: an npm package
// from the registry, and the wheel setup.sh makes for the python image.
const (
	PackageJSON = `{
  "name": "realbuild-app",
  "version": "1.0.0",
  "private": true,
  "main": "index.js",
  "scripts": {
    "build": "node -e \"\"",
    "start": "node index.js",
    "test": "node -e \"\""
  },
  "dependencies": {
    "ms": "2.1.3"
  }
}
`
	Requirements = "realbuild-probe\n"
)

// Lockfiles are the lock files of PackageJSON (npm's and yarn's), made on
// the node image by MakeLockfiles; a context gets them only when the
// Dockerfile names them or runs a command that needs them.
type Lockfiles map[string][]byte

// Context is a generated minimal build context.
type Context struct {
	Dir string
	// AppFile is an application source file a COPY takes (relative to
	// Dir), the one a code change edits; "" when the Dockerfile copies
	// none.
	AppFile string
	Files   []string // every generated file, relative to Dir
}

// entry is one file the context needs.
type entry struct {
	path string
	body string
	exec bool
	app  bool // application source rather than manifest or script
}

// GenerateContext writes into dir the files the Dockerfile's COPY and ADD
// take from the context, and those its RUNs name (requirements files,
// scripts, which do nothing), with manifests that name a real dependency.
func GenerateContext(text []byte, dir string, locks Lockfiles) (*Context, error) {
	entries, err := planContext(text, locks)
	if err != nil {
		return nil, err
	}
	// The folder even when empty: a Dockerfile may copy nothing.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("realbuild: context: %w", err)
	}
	c := &Context{Dir: dir}
	for _, e := range entries {
		p := filepath.Join(dir, filepath.FromSlash(e.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("realbuild: context: %w", err)
		}
		mode := os.FileMode(0o644)
		if e.exec {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(e.body), mode); err != nil {
			return nil, fmt.Errorf("realbuild: context: %w", err)
		}
		c.Files = append(c.Files, e.path)
		if e.app && c.AppFile == "" {
			c.AppFile = e.path
		}
	}
	return c, nil
}

// planContext lists the files of the context, application sources of a
// whole-context COPY first (the best one for a code change to edit).
func planContext(text []byte, locks Lockfiles) ([]entry, error) {
	df, err := oracle.ParseDockerfile(text)
	if err != nil {
		return nil, fmt.Errorf("realbuild: parsing: %w", err)
	}
	p := planner{files: map[string]entry{}, locks: locks}
	meta := env{}
	for _, a := range df.MetaArgs {
		meta.args(a.Args)
	}
	for _, st := range df.Stages {
		e := meta.clone()
		for _, cmd := range st.Commands {
			p.command(cmd, e)
		}
	}
	return p.entries(), nil
}

type planner struct {
	files    map[string]entry
	order    []string
	dirs     []string // folders a COPY takes whole ("" is the context root)
	scripts  []string // script names RUNs run
	runs     strings.Builder
	locks    Lockfiles
	wholeCtx bool
}

func (p *planner) command(cmd instructions.Command, e env) {
	switch c := cmd.(type) {
	case *instructions.ArgCommand:
		e.args(c.Args)
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			e[kv.Key] = e.expand(kv.Value)
		}
	case *instructions.CopyCommand:
		if c.From == "" {
			p.sources(c.SourcePaths, e)
		}
	case *instructions.AddCommand:
		p.sources(c.SourcePaths, e)
	case *instructions.RunCommand:
		p.run(strings.Join(c.CmdLine, " "))
	}
}

func (p *planner) sources(srcs []string, e env) {
	for _, s := range srcs {
		if strings.Contains(s, "://") || strings.HasPrefix(s, "git@") {
			continue // fetched by BuildKit, not taken from the context
		}
		p.source(e.expand(s), strings.HasSuffix(s, "/"))
	}
}

// source plans one COPY source: the whole context, a folder, or a file
// (a glob becomes one file it matches).
func (p *planner) source(src string, dirHint bool) {
	clean := strings.TrimPrefix(path.Clean("/"+src), "/")
	if clean == "" || clean == "*" {
		p.wholeCtx = true
		return
	}
	if strings.ContainsAny(clean, "*?[") {
		if ms := p.manifestsMatching(clean); len(ms) > 0 {
			for _, m := range ms {
				p.add(entry{path: m, body: manifestBody(path.Base(m), p.locks)})
			}
			return
		}
		clean = fillGlob(clean)
	}
	base := path.Base(clean)
	switch {
	case manifestBody(base, p.locks) != "":
		p.add(entry{path: clean, body: manifestBody(base, p.locks)})
	case dirHint || !looksLikeFile(base):
		p.dirs = append(p.dirs, clean)
	default:
		p.add(fileEntry(clean))
	}
}

// manifestsMatching are the manifests a glob source such as
// "package*.json" takes.
func (p *planner) manifestsMatching(glob string) []string {
	names := []string{"package.json", "requirements.txt"}
	for name := range p.locks {
		names = append(names, name)
	}
	slices.Sort(names)
	var out []string
	for _, n := range names {
		m := path.Join(path.Dir(glob), n)
		if ok, _ := path.Match(glob, m); ok {
			out = append(out, m)
		}
	}
	return out
}

var (
	requirementFlag = regexp.MustCompile(`(?:^|\s)(?:-r|--requirement)(?:\s+|=)(\S+\.txt)\b`)
	scriptWord      = regexp.MustCompile(`(?:^|[\s;&|])(?:\./|/)?((?:[\w.-]+/)*[\w.-]+\.sh)\b`)
)

// run notes what a RUN names from the context: requirements files and
// scripts.
func (p *planner) run(cmd string) {
	p.runs.WriteString(cmd + "\n")
	for _, m := range requirementFlag.FindAllStringSubmatch(cmd, -1) {
		p.add(entry{path: strings.TrimPrefix(path.Clean("/"+m[1]), "/"), body: Requirements})
	}
	for _, m := range scriptWord.FindAllStringSubmatch(cmd, -1) {
		p.scripts = append(p.scripts, path.Base(m[1]))
	}
}

func (p *planner) add(e entry) {
	if _, ok := p.files[e.path]; !ok {
		p.order = append(p.order, e.path)
	}
	p.files[e.path] = e
}

// entries completes the plan: the whole context gets an application file
// and the manifests its installs need; each folder a file and the scripts.
func (p *planner) entries() []entry {
	var out []entry
	if p.wholeCtx {
		out = append(out, entry{path: "app.txt", body: "application source\n", app: true})
		for _, m := range p.rootManifests() {
			if _, ok := p.files[m]; !ok {
				out = append(out, entry{path: m, body: manifestBody(m, p.locks)})
			}
		}
		p.dirs = append(p.dirs, "")
	}
	for _, d := range p.dirs {
		if d != "" {
			out = append(out, entry{path: d + "/app.txt", body: "application source\n", app: true})
		}
		for _, s := range p.scripts {
			out = append(out, entry{path: path.Join(d, s), body: scriptBody, exec: true})
		}
	}
	for _, f := range p.order {
		if !slices.ContainsFunc(out, func(e entry) bool { return e.path == f }) {
			out = append(out, p.files[f])
		}
	}
	return out
}

// rootManifests are the manifests a whole-context COPY must bring for the
// installs the RUNs make.
func (p *planner) rootManifests() []string {
	runs := p.runs.String()
	var out []string
	npm, yarn := strings.Contains(runs, "npm "), strings.Contains(runs, "yarn")
	if npm || yarn {
		out = append(out, "package.json")
	}
	// Only the lock file of the manager used: npm install rewrites a
	// yarn.lock it finds, which no real project has beside its own.
	if npm && p.locks["package-lock.json"] != nil {
		out = append(out, "package-lock.json")
	}
	if yarn && p.locks["yarn.lock"] != nil {
		out = append(out, "yarn.lock")
	}
	if strings.Contains(runs, "pip") {
		out = append(out, "requirements.txt")
	}
	return out
}

const scriptBody = "#!/bin/sh\n# generated by internal/realbuild: does nothing\nexit 0\n"

// manifestBody is the content of a manifest of that name, "" for other
// files.
func manifestBody(base string, locks Lockfiles) string {
	switch {
	case base == "package.json":
		return PackageJSON
	case locks[base] != nil:
		return string(locks[base])
	case strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt"):
		return Requirements
	}
	return ""
}

func fileEntry(p string) entry {
	switch path.Ext(p) {
	case ".sh":
		return entry{path: p, body: scriptBody, exec: true}
	case ".json":
		return entry{path: p, body: "{}\n"}
	}
	return entry{path: p, body: "generated by internal/realbuild\n", app: true}
}

// extensionless names of files rather than folders.
var extensionless = []string{"Gemfile", "Makefile", "Procfile", "Pipfile", "Rakefile", "LICENSE", "README", "VERSION", "entrypoint", "docker-entrypoint"}

func looksLikeFile(base string) bool {
	return strings.Contains(base, ".") || slices.Contains(extensionless, base)
}

var charClass = regexp.MustCompile(`\[[^\]]*\]`)

// fillGlob turns a glob into one name it matches: "package*.json" is
// package.json, "*.txt" app.txt.
func fillGlob(p string) string {
	if !strings.ContainsAny(p, "*?[") {
		return p
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		part = charClass.ReplaceAllString(part, "a")
		part = strings.ReplaceAll(part, "?", "a")
		if strings.HasPrefix(part, "*") {
			part = "app" + part[1:]
		}
		parts[i] = strings.ReplaceAll(part, "*", "")
	}
	return strings.Join(parts, "/")
}

// env is what ARG defaults and ENV set, for expanding COPY sources.
type env map[string]string

func (e env) clone() env {
	out := env{}
	for k, v := range e {
		out[k] = v
	}
	return out
}

func (e env) args(kvs []instructions.KeyValuePairOptional) {
	for _, kv := range kvs {
		if _, set := e[kv.Key]; !set && kv.Value != nil {
			e[kv.Key] = e.expand(*kv.Value)
		}
	}
}

func (e env) expand(word string) string {
	out, _, err := shell.NewLex('\\').ProcessWord(word, shell.EnvsFromSlice(e.slice()))
	if err != nil {
		return word
	}
	return out
}

func (e env) slice() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}
