package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// FileNames are the names of the project file, in the order they are
// looked for in each folder.
var FileNames = []string{".dockerfile-ls.yaml", ".dockerfile-ls.yml"}

// File is one parsed project file (.dockerfile-ls.yaml). Paths in it are
// relative to its folder; File holds them resolved.
type File struct {
	// Path is the file's absolute path.
	Path string
	// Settings are the top-level settings; BuildContext is absolute when
	// set.
	Settings Settings
	// Ignore lists the paths that discovery skips (MatchPath patterns
	// relative to the file's folder).
	Ignore []string
	// Dockerfiles are per-Dockerfile build settings, in file order.
	Dockerfiles []Override
	// Warnings are problems that do not stop the file from being used,
	// such as unknown rule names, each as "path:line: message".
	Warnings []string
}

// Override is one entry of the file's "dockerfiles:" map: the build
// settings of the Dockerfiles that Pattern (a MatchPath pattern relative to
// the file's folder) matches.
type Override struct {
	Pattern string
	// Settings holds BuildContext (absolute), Target and BuildArgs.
	Settings Settings
}

// Dir is the folder that holds the file.
func (f *File) Dir() string { return filepath.Dir(f.Path) }

// For returns the settings of the Dockerfile at path: the top-level ones,
// then those of every matching "dockerfiles:" entry in file order, later
// entries winning.
func (f *File) For(dockerfile string) Settings {
	s := f.Settings
	s.Rules, s.Categories, s.BuildArgs = maps.Clone(s.Rules), maps.Clone(s.Categories), maps.Clone(s.BuildArgs)
	rel, ok := f.rel(dockerfile)
	if !ok {
		return s
	}
	for _, o := range f.Dockerfiles {
		if MatchPath(o.Pattern, rel, false) {
			s = o.Settings.Merge(s)
		}
	}
	return s
}

// Ignored reports whether path (a file, or a folder when isDir) is under
// one of the file's ignore patterns.
func (f *File) Ignored(path string, isDir bool) bool {
	rel, ok := f.rel(path)
	if !ok {
		return false
	}
	for _, p := range f.Ignore {
		if MatchPath(p, rel, isDir) {
			return true
		}
	}
	return false
}

// rel is path relative to the file's folder, slash-separated; ok is false
// when path is outside it.
func (f *File) rel(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(f.Dir(), abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// Find looks for the project file from dir upwards and returns its path,
// or "" when there is none. The search stops at the filesystem root and
// after the folder that holds a .git folder (or file), the repository's
// root.
func Find(dir string) (string, error) { return findUpTo(dir, nil) }

// findUpTo is Find that also stops after a folder where stop says so (the
// server stops at the workspace root: it reads nothing outside it).
func findUpTo(dir string, stop func(dir string) bool) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		for _, name := range FileNames {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
		if isRepoRoot(dir) || (stop != nil && stop(dir)) {
			return "", nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

func isRepoRoot(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ".git"))
	return err == nil
}

// ReadFile reads and parses a project file the user named (check's
// --config): it may be anywhere, but it must be a regular file of at most
// safefile.MaxProjectFile bytes.
func ReadFile(path string) (*File, error) {
	data, err := safefile.Read("", path, safefile.MaxProjectFile)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// readInRepo reads a file that the upward search from a Dockerfile found
// (a project, Compose or bake file, Compose's .env): a regular file of at
// most safefile.MaxProjectFile bytes that no symlink leads out of the
// folder where that search ends (see searchRoot).
func readInRepo(path string, stop func(dir string) bool) ([]byte, error) {
	return safefile.Read(searchRoot(filepath.Dir(path), stop), path, safefile.MaxProjectFile)
}

// searchRoot is the folder where the upward search from dir ends (see
// findUpTo): the repository's root or the folder stop accepts, or dir
// itself when the search would go on to the filesystem root, so that a
// file outside any repository is read only from its own folder.
func searchRoot(dir string, stop func(dir string) bool) string {
	for d := dir; ; {
		if isRepoRoot(d) || (stop != nil && stop(d)) {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// Load returns the settings for the Dockerfile at dockerfilePath: those of
// the nearest project file (see Find and File.For), completed by the
// compose or bake file that builds this Dockerfile, if any, for the build
// context, target and args the project file leaves out (see
// FromBuildFiles). source names the files used, comma-separated ("" when
// none). Errors are the project file's, with its path and line.
func Load(dockerfilePath string) (s Settings, source string, err error) {
	return (&Loader{}).Load(dockerfilePath)
}

// Loader is Load with its answers kept, so that loading the settings of
// many Dockerfiles (the CLI) or of one on every keystroke (the server)
// reads each project, Compose and bake file once: call Forget with every
// path that changes on disk. Safe for concurrent use; no file is read
// while a lock is held, and callers asking for what is being read wait
// for that one read.
type Loader struct {
	// Warn, when set, receives each project file's warnings, once per
	// file read, and why a Compose or bake file past a budget was not read.
	Warn func(warning string)
	// Stop, when set, ends the upward search for project and build files
	// after a folder it returns true for; no file is read through a
	// symlink that leaves that folder.
	Stop func(dir string) bool
	// readFile reads a project file's bytes; nil is readInRepo (tests
	// replace it with a read that takes its time).
	readFile func(path string) ([]byte, error)

	mu    sync.Mutex
	files map[string]*reading[*File]  // project files by path
	loads map[string]*reading[loaded] // Load's answers by Dockerfile path
}

// loaded is one answer of Load.
type loaded struct {
	s      Settings
	source string
}

// reading is one read, shared by every caller that asks for it while it
// runs and after: val and err are set when ready is closed.
type reading[T any] struct {
	ready chan struct{}
	val   T
	err   error
}

// maxLoads bounds the answers kept: past it they are all dropped and
// read again when asked (a server asks about the open files only).
const maxLoads = 1024

// Load is the package's Load, reusing what this Loader has read.
func (l *Loader) Load(dockerfilePath string) (Settings, string, error) {
	abs, err := filepath.Abs(dockerfilePath)
	if err != nil {
		return Settings{}, "", err
	}
	r, err := once(l, &l.loads, abs, maxLoads, func() (loaded, error) { return l.load(abs) })
	return r.s, r.source, err
}

// load reads the settings of the Dockerfile at abs (an absolute path).
func (l *Loader) load(abs string) (loaded, error) {
	var s Settings
	var sources []string
	f, err := l.FileFor(filepath.Dir(abs))
	if err != nil {
		return loaded{}, err
	}
	if f != nil {
		s = f.For(abs)
		sources = append(sources, f.Path)
	}
	if b, src := fromBuildFilesUpTo(abs, l.Stop, l.Warn); src != "" {
		merged := s.Merge(b)
		if merged.BuildContext != s.BuildContext || merged.Target != s.Target || !maps.Equal(merged.BuildArgs, s.BuildArgs) {
			sources = append(sources, src)
		}
		s = merged
	}
	return loaded{s, strings.Join(sources, ", ")}, nil
}

// FileFor returns the project file that applies to the folder dir (nil
// when none).
func (l *Loader) FileFor(dir string) (*File, error) {
	p, err := findUpTo(dir, l.Stop)
	if err != nil || p == "" {
		return nil, err
	}
	return once(l, &l.files, p, 0, func() (*File, error) { return l.read(p) })
}

// read reads and parses the project file at path, passing on its warnings.
func (l *Loader) read(path string) (*File, error) {
	readFile := l.readFile
	if readFile == nil {
		readFile = func(path string) ([]byte, error) { return readInRepo(path, l.Stop) }
	}
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Parse(path, data)
	if err == nil && l.Warn != nil {
		for _, w := range f.Warnings {
			l.Warn(w)
		}
	}
	return f, err
}

// once returns what read gives for key, reading only when (*m) has no
// read of key yet; read runs outside l.mu. limit > 0 bounds the map.
func once[T any](l *Loader, m *map[string]*reading[T], key string, limit int, read func() (T, error)) (T, error) {
	l.mu.Lock()
	r, found := (*m)[key]
	if !found {
		if *m == nil || (limit > 0 && len(*m) >= limit) {
			*m = map[string]*reading[T]{}
		}
		r = &reading[T]{ready: make(chan struct{})}
		(*m)[key] = r
	}
	l.mu.Unlock()
	if found {
		<-r.ready
		return r.val, r.err
	}
	defer close(r.ready)
	r.val, r.err = read()
	return r.val, r.err
}

// Forget drops what was read from path, a file that changed on disk (all
// of it when path is ""): the project file itself, and the answers of
// Load for the Dockerfiles it may apply to when it is a file Load reads.
// Reads under way finish for those already waiting on them.
func (l *Loader) Forget(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if path == "" {
		l.files, l.loads = nil, nil
		return
	}
	path = filepath.Clean(path)
	delete(l.files, path)
	if !readByLoad(filepath.Base(path)) {
		return
	}
	dir := filepath.Dir(path)
	for dockerfile := range l.loads {
		if within(dockerfile, dir) {
			delete(l.loads, dockerfile)
		}
	}
}

// readByLoad reports whether a file of this name changes what Load gives:
// the project, Compose and bake files, Compose's .env, and the .git that
// ends the search.
func readByLoad(name string) bool {
	return name == ".env" || name == ".git" || slices.Contains(FileNames, name) ||
		slices.Contains(ComposeFileNames, name) || slices.Contains(BakeFileNames, name)
}

// within reports whether path is below the folder dir.
func within(path, dir string) bool {
	return strings.HasPrefix(path, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// Validate lists what is wrong in settings given by an editor or on the
// command line: unknown rule names and categories, severities and size
// displays that do not exist. Project files are checked when parsed.
func (s Settings) Validate() []string {
	var out []string
	for _, rule := range slices.Sorted(maps.Keys(s.Rules)) {
		if msg := unknownRule(rule); msg != "" {
			out = append(out, msg)
		}
		if _, ok := parseRuleSeverity(s.Rules[rule]); !ok {
			out = append(out, fmt.Sprintf("rule %s: severity %q is not one of %s", rule, s.Rules[rule], severityChoices))
		}
	}
	for _, cat := range slices.Sorted(maps.Keys(s.Categories)) {
		if !knownCategory(cat) {
			out = append(out, fmt.Sprintf("unknown category %q (one of %s)", cat, strings.Join(Categories, ", ")))
		}
	}
	if s.Sizes != "" && !slices.Contains(SizeDisplays, s.Sizes) {
		out = append(out, fmt.Sprintf("sizes: %q is not one of %s", s.Sizes, strings.Join(SizeDisplays, ", ")))
	}
	for _, dir := range s.AllowedContexts {
		if !filepath.IsAbs(dir) {
			out = append(out, fmt.Sprintf("allowedContexts: %q is not an absolute path; it is ignored", dir))
		}
	}
	return out
}

// Categories are the rule categories a project file may switch.
var Categories = []string{string(diagnostics.Syntax), string(diagnostics.BuildKit), string(diagnostics.Cache), string(diagnostics.Size)}

// SizeDisplays are the values of Settings.Sizes.
var SizeDisplays = []string{"inlayHints", "codeLens", "off"}

const severityChoices = "off, error, warning, info or hint"

func knownCategory(c string) bool { return slices.Contains(Categories, c) }

// parseRuleSeverity reads a rule's setting: off (or false) or a severity.
func parseRuleSeverity(v string) (string, bool) {
	switch v {
	case "off", "false":
		return "off", true
	}
	if _, ok := diagnostics.ParseSeverity(v); ok {
		return v, true
	}
	return "", false
}

// unknownRule says why rule is not a known rule name, or "" when it is.
func unknownRule(rule string) string {
	if diagnostics.Lookup(rule) != nil {
		return ""
	}
	for _, r := range diagnostics.Rules() {
		if strings.EqualFold(r.Name, rule) {
			return fmt.Sprintf("unknown rule %q (did you mean %s?)", rule, r.Name)
		}
	}
	return fmt.Sprintf("unknown rule %q (`dockerfile-ls rules` lists them)", rule)
}

// Parse parses the text of the project file at path (used to resolve
// relative paths and in messages). Unknown keys, wrong types and unknown
// severities are errors; unknown rule names and categories are warnings.
func Parse(path string, data []byte) (*File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	p := &fileParser{f: &File{Path: abs}, name: path}
	if err := checkNesting(path, data); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, p.yamlError(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return p.f, nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return p.f, nil
	}
	if err := p.top(root); err != nil {
		return nil, err
	}
	return p.f, nil
}

type fileParser struct {
	f    *File
	name string // the path as given, for messages
}

func (p *fileParser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, n.Line, fmt.Sprintf(format, args...))
}

func (p *fileParser) warnf(n *yaml.Node, format string, args ...any) {
	p.f.Warnings = append(p.f.Warnings, fmt.Sprintf("%s:%d: %s", p.name, n.Line, fmt.Sprintf(format, args...)))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *fileParser) yamlError(err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", p.name, m[1], m[2])
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: %s", p.name, strings.Join(te.Errors, "; "))
	}
	return fmt.Errorf("%s: %s", p.name, strings.TrimPrefix(msg, "yaml: "))
}

// topKeys are the keys of the project file, for messages.
var topKeys = []string{"rules", "categories", "context", "target", "args", "sizes", "ignore", "dockerfiles"}

func (p *fileParser) top(n *yaml.Node) error {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "the file must be a mapping of %s", strings.Join(topKeys, ", "))
	}
	return p.each(n, func(key string, k, v *yaml.Node) error {
		var err error
		s := &p.f.Settings
		switch key {
		case "rules":
			s.Rules, err = p.rules(v)
		case "categories":
			s.Categories, err = p.categories(v)
		case "context":
			s.BuildContext, err = p.path(v)
		case "target":
			s.Target, err = p.str(v, key)
		case "args":
			s.BuildArgs, err = p.args(v)
		case "sizes":
			if s.Sizes, err = p.str(v, key); err == nil && s.Sizes != "" && !slices.Contains(SizeDisplays, s.Sizes) {
				err = p.errorf(v, "sizes: %q is not one of %s", s.Sizes, strings.Join(SizeDisplays, ", "))
			}
		case "ignore":
			p.f.Ignore, err = p.strings(v, key)
		case "dockerfiles":
			p.f.Dockerfiles, err = p.dockerfiles(v)
		default:
			err = p.errorf(k, "unknown key %q (known keys: %s)", key, strings.Join(topKeys, ", "))
		}
		return err
	})
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// each calls fn for every key of the mapping n, rejecting duplicate keys.
func (p *fileParser) each(n *yaml.Node, fn func(key string, k, v *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return p.errorf(k, "keys must be plain strings")
		}
		if k.Tag == "!!merge" {
			return p.errorf(k, "merge keys (<<) are not supported")
		}
		if seen[k.Value] {
			return p.errorf(k, "duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *fileParser) mapping(n *yaml.Node, what string) error {
	if n.Kind == yaml.MappingNode || isNull(n) {
		return nil
	}
	return p.errorf(n, "%s must be a mapping", what)
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func (p *fileParser) str(n *yaml.Node, what string) (string, error) {
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", p.errorf(n, "%s must be a string", what)
	}
	return n.Value, nil
}

func (p *fileParser) path(n *yaml.Node) (string, error) {
	v, err := p.str(n, "context")
	if err != nil || v == "" {
		return v, err
	}
	if strings.Contains(v, "://") {
		return "", p.errorf(n, "context %q: only local folders are supported", v)
	}
	if !filepath.IsAbs(v) {
		v = filepath.Join(p.f.Dir(), filepath.FromSlash(v))
	}
	return filepath.Clean(v), nil
}

func (p *fileParser) strings(n *yaml.Node, what string) ([]string, error) {
	switch {
	case isNull(n):
		return nil, nil
	case n.Kind == yaml.ScalarNode:
		return []string{n.Value}, nil
	case n.Kind != yaml.SequenceNode:
		return nil, p.errorf(n, "%s must be a list of strings", what)
	}
	var out []string
	for _, e := range n.Content {
		e = resolve(e)
		if e.Kind != yaml.ScalarNode {
			return nil, p.errorf(e, "%s must be a list of strings", what)
		}
		out = append(out, e.Value)
	}
	return out, nil
}

func (p *fileParser) rules(n *yaml.Node) (map[string]string, error) {
	if err := p.mapping(n, "rules"); err != nil {
		return nil, err
	}
	out := map[string]string{}
	err := p.each(n, func(rule string, k, v *yaml.Node) error {
		if v.Kind != yaml.ScalarNode {
			return p.errorf(v, "rule %s: the value must be one of %s", rule, severityChoices)
		}
		sev, ok := parseRuleSeverity(strings.ToLower(v.Value))
		if !ok {
			return p.errorf(v, "rule %s: %q is not one of %s", rule, v.Value, severityChoices)
		}
		if msg := unknownRule(rule); msg != "" {
			p.warnf(k, "%s", msg)
		}
		out[rule] = sev
		return nil
	})
	return out, err
}

func (p *fileParser) categories(n *yaml.Node) (map[string]bool, error) {
	if err := p.mapping(n, "categories"); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	err := p.each(n, func(cat string, k, v *yaml.Node) error {
		on, ok := parseSwitch(v)
		if !ok {
			return p.errorf(v, "category %s: %q must be true (on) or false (off)", cat, v.Value)
		}
		if !knownCategory(cat) {
			p.warnf(k, "unknown category %q (one of %s)", cat, strings.Join(Categories, ", "))
		}
		out[cat] = on
		return nil
	})
	return out, err
}

func parseSwitch(n *yaml.Node) (on, ok bool) {
	if n.Kind != yaml.ScalarNode {
		return false, false
	}
	switch strings.ToLower(n.Value) {
	case "true", "on", "yes":
		return true, true
	case "false", "off", "no":
		return false, true
	}
	return false, false
}

func (p *fileParser) args(n *yaml.Node) (map[string]string, error) {
	if err := p.mapping(n, "args"); err != nil {
		return nil, err
	}
	out := map[string]string{}
	err := p.each(n, func(name string, k, v *yaml.Node) error {
		if isNull(v) {
			return nil
		}
		if v.Kind != yaml.ScalarNode {
			return p.errorf(v, "arg %s: the value must be a string", name)
		}
		out[name] = v.Value
		return nil
	})
	return out, err
}

var overrideKeys = []string{"context", "target", "args"}

func (p *fileParser) dockerfiles(n *yaml.Node) ([]Override, error) {
	if err := p.mapping(n, "dockerfiles"); err != nil {
		return nil, err
	}
	var out []Override
	err := p.each(n, func(pattern string, k, v *yaml.Node) error {
		if err := p.mapping(v, "dockerfiles: "+strconv.Quote(pattern)); err != nil {
			return err
		}
		o := Override{Pattern: pattern}
		err := p.each(v, func(key string, k, v *yaml.Node) error {
			var err error
			switch key {
			case "context":
				o.Settings.BuildContext, err = p.path(v)
			case "target":
				o.Settings.Target, err = p.str(v, key)
			case "args":
				o.Settings.BuildArgs, err = p.args(v)
			default:
				err = p.errorf(k, "unknown key %q under dockerfiles (known keys: %s)", key, strings.Join(overrideKeys, ", "))
			}
			return err
		})
		out = append(out, o)
		return err
	})
	return out, err
}
