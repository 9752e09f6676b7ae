package diagnostics

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

// Which context files an install reads, for the manifests-first fix (see
// copy_before_install_fix.go). With the build context on disk the fix
// reads the manifests that can ask for more files (a requirements file's
// -r includes, a package.json's workspaces): only for a finding, never a
// whole context. Without it, a manifest the command names, or its
// manager's main one, is taken as present, and the optional ones are
// copied with a wildcard, which BuildKit allows to match nothing.

// maxManifest bounds a manifest the fix reads: the lock files of large
// projects reach a few MB. A larger one is not read, and the fix that
// needed it is refused.
const maxManifest = 16 << 20

// manifestFile is a context path the fix copies ahead of the install.
type manifestFile struct {
	path     string
	optional bool // copied as "path*": its absence is no error
	via      int  // the moved COPY it comes from (manifestsFirst.moved)
}

// source is the COPY source of f.
func (f manifestFile) source() string {
	if f.optional && !strings.ContainsAny(f.path, "*?[") {
		return f.path + "*"
	}
	return f.path
}

// readContextFile reads a context file. The repository is not trusted:
// only a regular file of at most maxManifest bytes that no symlink leads
// out of the context is read, never blocking on a FIFO.
func readContextFile(bctx *buildcontext.Context, p string) ([]byte, bool) {
	if !bctx.Exists(p) || bctx.IsDir(p) {
		return nil, false
	}
	b, err := safefile.Read(bctx.Root(), filepath.Join(bctx.Root(), filepath.FromSlash(p)), maxManifest)
	return b, err == nil
}

// namedFile is a file the install names (pip -r x): with the context on
// disk, it and, for pip, the files it includes; else the file alone.
func namedFile(bctx *buildcontext.Context, m *pkgmgr.Manager, p string) ([]manifestFile, string) {
	if bctx == nil {
		return []manifestFile{{path: p}}, ""
	}
	if !bctx.Exists(p) {
		return nil, fmt.Sprintf("not in the build context: %s (missing, or left out by the ignore file)", p)
	}
	if m.Name != "pip" && m.Name != "uv" {
		return []manifestFile{{path: p}}, ""
	}
	return requirementsClosure(bctx, p)
}

// requirementsClosure is a pip requirements file and the files it names
// with -r/-c, recursively; it refuses files that install local paths
// (-e ., ./pkg, file:), which need more than the manifests.
func requirementsClosure(bctx *buildcontext.Context, file string) ([]manifestFile, string) {
	var out []manifestFile
	seen := map[string]bool{}
	var walk func(f string, depth int) string
	walk = func(f string, depth int) string {
		if seen[f] {
			return ""
		}
		seen[f] = true
		out = append(out, manifestFile{path: f})
		text, ok := readContextFile(bctx, f)
		if !ok || depth > 10 {
			return fmt.Sprintf("a requirements file cannot be read: %s", f)
		}
		sc := bufio.NewScanner(bytes.NewReader(text))
		for sc.Scan() {
			if why := requirementLine(sc.Text(), f, func(inc string) string { return walk(inc, depth+1) }); why != "" {
				return why
			}
		}
		return ""
	}
	if why := walk(path.Clean(file), 0); why != "" {
		return nil, why
	}
	return out, ""
}

// requirementLine checks one line of requirements file f, following its
// includes.
func requirementLine(raw, f string, include func(string) string) string {
	line, _, _ := strings.Cut(raw, " #")
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return ""
	}
	fields := strings.Fields(line)
	switch fields[0] {
	case "-r", "--requirement", "-c", "--constraint":
		if len(fields) < 2 {
			return fmt.Sprintf("a requirements file includes a file it does not name: %s", f)
		}
		if inc := path.Join(path.Dir(f), fields[1]); !path.IsAbs(fields[1]) && !strings.HasPrefix(inc, "..") {
			return include(inc)
		}
		return fmt.Sprintf("a requirements file includes a file outside the context: %s", f)
	case "-e", "--editable", "-f", "--find-links":
		return fmt.Sprintf("a requirements file installs local paths: %s (%s)", f, fields[0])
	}
	if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "/") || strings.Contains(line, "file:") {
		return fmt.Sprintf("a requirements file installs local paths: %s", f)
	}
	return ""
}

// projectManifests are the files a manifest-driven install (npm ci, go mod
// download, bundle install, ...) reads from dir, or why the install may
// read more than them (local path dependencies, install scripts,
// workspaces) or the later full COPY would overwrite what it installs.
// For a dependency-only step (depsStep), which has its own flags, the
// install's command line is not checked.
func projectManifests(m *pkgmgr.Manager, inv pkgmgr.Invocation, depsStep bool, dir string, bctx *buildcontext.Context) ([]manifestFile, string) {
	check, ok := manifestChecks[m.Name]
	if !ok {
		return nil, fmt.Sprintf("not worked out for this manager: %s", m.Name)
	}
	if check.needs != nil && !depsStep {
		if why := check.needs(inv); why != "" {
			return nil, why
		}
	}
	if bctx == nil {
		return blindManifests(check, dir), ""
	}
	return contextManifests(check, dir, bctx)
}

// blindManifests: without the context, the main manifest is required and
// the others are optional; folders (.yarn/releases) cannot be.
func blindManifests(check manifestCheck, dir string) []manifestFile {
	names := check.blind
	if names == nil {
		names = check.files
	}
	var out []manifestFile
	for i, name := range names {
		if !strings.HasSuffix(name, "/") {
			out = append(out, manifestFile{path: path.Join(dir, name), optional: i > 0})
		}
	}
	return out
}

// contextManifests are check's files present in dir of the context.
func contextManifests(check manifestCheck, dir string, bctx *buildcontext.Context) ([]manifestFile, string) {
	for _, out := range check.outputs {
		if bctx.Exists(path.Join(dir, out)) {
			return nil, fmt.Sprintf("the full COPY would overwrite what the install writes: %s", path.Join(dir, out))
		}
	}
	if main := path.Join(dir, check.files[0]); len(present(bctx, main)) == 0 {
		return nil, fmt.Sprintf("not in the build context: %s (missing, or left out by the ignore file)", main)
	}
	var files []manifestFile
	for _, name := range check.files {
		for _, p := range present(bctx, path.Join(dir, strings.TrimSuffix(name, "/"))) {
			f, why := checkManifest(check, name, p, bctx)
			if why != "" {
				return nil, why
			}
			files = append(files, f)
		}
	}
	return files, ""
}

// present are the context paths p names (a pattern may name several).
func present(bctx *buildcontext.Context, p string) []string {
	if strings.ContainsAny(p, "*?[") {
		return bctx.Glob(p)
	}
	if bctx.Exists(p) {
		return []string{p}
	}
	return nil
}

// checkManifest reads manifest p (named name in check) when its text can
// ask for more than the manifests.
func checkManifest(check manifestCheck, name, p string, bctx *buildcontext.Context) (manifestFile, string) {
	refuse := check.refuse[name]
	if refuse == nil {
		return manifestFile{path: p}, ""
	}
	text, ok := readContextFile(bctx, p)
	if !ok {
		return manifestFile{}, fmt.Sprintf("a manifest cannot be read: %s", p)
	}
	if why := refuse(text); why != "" {
		return manifestFile{}, fmt.Sprintf("%s: %s", why, p)
	}
	return manifestFile{path: p}, ""
}

// manifestCheck says, per manager, which files an install reads (the first
// is required; a trailing "/" marks a folder), which folders it writes into
// the project, what in a manifest's text makes the install read more than
// the manifests, and what the command itself must say.
type manifestCheck struct {
	files   []string
	blind   []string // the files to copy without the context, when not files
	outputs []string
	refuse  map[string]func(text []byte) string
	needs   func(inv pkgmgr.Invocation) string
	assumed string // what refuse would check, taken as true without the context
}

var nodeFiles = []string{"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", ".npmrc", ".yarnrc", ".yarnrc.yml", ".yarn/releases/", ".yarn/plugins/", ".yarn/patches/"}

var (
	nodeRefuse = map[string]func([]byte) string{"package.json": refuseNodeManifest}
	// Python projects name local paths in any of their manifests.
	pipenvRefuse = map[string]func([]byte) string{"Pipfile": refuseLocalPath, "Pipfile.lock": refuseLocalPath}
	poetryRefuse = map[string]func([]byte) string{"pyproject.toml": refuseLocalPath, "poetry.lock": refuseLocalPath, "poetry.toml": refuseLocalPath}
	uvRefuse     = map[string]func([]byte) string{"pyproject.toml": refuseLocalPath, "uv.lock": refuseLocalPath, ".python-version": refuseLocalPath}
	nodeOutputs  = []string{"node_modules", "pnpm-workspace.yaml"}
)

var manifestChecks = map[string]manifestCheck{
	"npm": {files: nodeFiles, blind: []string{"package*.json", ".npmrc"}, outputs: nodeOutputs, refuse: nodeRefuse, assumed: nodeAssumed},
	"yarn": {files: nodeFiles, blind: []string{"package.json", "yarn.lock", ".yarnrc"}, outputs: nodeOutputs, refuse: nodeRefuse,
		assumed: nodeAssumed + ", and the project has no .yarnrc.yml or .yarn folder (Yarn 2+)"},
	"pnpm":    {files: nodeFiles, blind: []string{"package.json", "pnpm-lock.yaml", ".npmrc"}, outputs: nodeOutputs, refuse: nodeRefuse, assumed: nodeAssumed},
	"go":      {files: []string{"go.mod", "go.sum"}, outputs: []string{"go.work", "vendor"}, refuse: map[string]func([]byte) string{"go.mod": refuseGoMod}, assumed: "go.mod replaces no module with a local folder"},
	"bundler": {files: []string{"Gemfile", "Gemfile.lock"}, outputs: []string{"vendor/bundle", ".bundle"}, refuse: map[string]func([]byte) string{"Gemfile": refuseGemfile}, assumed: "the Gemfile has no gemspec or path gems"},
	"pipenv":  {files: []string{"Pipfile", "Pipfile.lock"}, refuse: pipenvRefuse, assumed: "the Pipfile has no path dependencies"},
	"poetry":  {files: []string{"pyproject.toml", "poetry.lock", "poetry.toml"}, outputs: []string{".venv"}, refuse: poetryRefuse, assumed: "pyproject.toml has no path dependencies"},
	"uv":      {files: []string{"pyproject.toml", "uv.lock", ".python-version"}, outputs: []string{".venv"}, refuse: uvRefuse, assumed: "pyproject.toml has no path dependencies"},
	"composer": {files: []string{"composer.json", "composer.lock"}, outputs: []string{"vendor"}, needs: composerNeeds,
		refuse: map[string]func([]byte) string{"composer.json": refuseComposer}, assumed: "composer.json has no path repositories"},
	"maven": {files: []string{"pom.xml"}, outputs: []string{"target"}, refuse: map[string]func([]byte) string{"pom.xml": refusePom}, assumed: "pom.xml has no modules"},
	"dotnet": {files: []string{"*.csproj", "*.fsproj", "*.sln", "NuGet.config", "nuget.config", "Directory.Build.props", "Directory.Packages.props"}, blind: []string{"*.csproj"}, outputs: []string{"obj"},
		refuse:  map[string]func([]byte) string{"*.csproj": refuseProjectReference, "*.fsproj": refuseProjectReference, "*.sln": refuseSolution},
		assumed: "the project references no other project"},
}

const nodeAssumed = "package.json has no workspaces, local dependencies or install scripts"

// refusePom: a multi-module build needs every module's pom.xml.
func refusePom(text []byte) string {
	if bytes.Contains(text, []byte("<modules>")) {
		return "a multi-module pom.xml needs its modules' pom.xml files"
	}
	return ""
}

// refuseProjectReference: a restore reads the projects a project references.
func refuseProjectReference(text []byte) string {
	if bytes.Contains(text, []byte("<ProjectReference")) {
		return "the project references other projects, whose project files the restore needs"
	}
	return ""
}

// solutionProject is a project a solution lists, in another folder.
var solutionProject = regexp.MustCompile(`"[^"]*[\\/][^"]*\.[cf]sproj"`)

// refuseSolution: a restore of a solution reads the project files it
// lists; those in other folders are not copied.
func refuseSolution(text []byte) string {
	if solutionProject.Match(text) {
		return "a solution's projects in other folders need their own project files"
	}
	return ""
}

// composerNeeds: composer install runs the project's scripts (Laravel's
// `artisan package:discover`) and writes an autoloader whose class map
// scans the sources; on the manifests alone both differ.
func composerNeeds(inv pkgmgr.Invocation) string {
	if inv.HasFlag("--no-scripts") && inv.HasFlag("--no-autoloader") {
		return ""
	}
	return "composer runs the project's scripts and maps its classes: it needs --no-scripts --no-autoloader, then a `composer dump-autoload` after the full COPY"
}

// refuseComposer: a repository of type path installs a local folder.
func refuseComposer(text []byte) string {
	var pkg struct {
		Repositories json.RawMessage `json:"repositories"`
	}
	if err := json.Unmarshal(text, &pkg); err != nil {
		return "a composer.json does not parse"
	}
	var repos []struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(pkg.Repositories, &repos) != nil {
		var byName map[string]struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(pkg.Repositories, &byName)
		for _, r := range byName {
			repos = append(repos, r)
		}
	}
	for _, r := range repos {
		if r.Type == "path" || r.Type == "artifact" {
			return "a composer repository is a local folder"
		}
	}
	return ""
}

// refuseNodeManifest: install scripts may run project code, workspaces and
// local dependencies need their folders.
func refuseNodeManifest(text []byte) string {
	var pkg struct {
		Scripts    map[string]string `json:"scripts"`
		Workspaces json.RawMessage   `json:"workspaces"`
	}
	if err := json.Unmarshal(text, &pkg); err != nil {
		return "a package.json does not parse"
	}
	if len(pkg.Workspaces) > 0 {
		return "the workspace's packages need their own package.json files"
	}
	for _, s := range []string{"preinstall", "install", "postinstall", "prepare", "prepublish"} {
		if _, ok := pkg.Scripts[s]; ok {
			return "an install script may read the sources"
		}
	}
	var deps map[string]json.RawMessage
	_ = json.Unmarshal(text, &deps)
	for _, key := range []string{"dependencies", "devDependencies", "optionalDependencies"} {
		var m map[string]string
		_ = json.Unmarshal(deps[key], &m)
		for _, v := range m {
			for _, p := range []string{"file:", "link:", "workspace:", "./", "../", "portal:"} {
				if strings.HasPrefix(v, p) {
					return "a dependency is a local folder"
				}
			}
		}
	}
	return ""
}

// refuseGoMod: a replace directive to a local folder needs that folder.
func refuseGoMod(text []byte) string {
	for _, line := range strings.Split(string(text), "\n") {
		if _, target, ok := strings.Cut(line, "=>"); ok {
			t := strings.TrimSpace(target)
			if strings.HasPrefix(t, ".") || strings.HasPrefix(t, "/") {
				return "a go.mod replace points at a local folder"
			}
		}
	}
	return ""
}

// refuseGemfile: gemspec and path: gems need the sources.
func refuseGemfile(text []byte) string {
	if bytes.Contains(text, []byte("gemspec")) || bytes.Contains(text, []byte("path:")) || bytes.Contains(text, []byte(":path")) {
		return "the Gemfile installs gems from local folders"
	}
	return ""
}

// refuseLocalPath: path dependencies in pyproject.toml or Pipfile.
func refuseLocalPath(text []byte) string {
	if bytes.Contains(text, []byte("path =")) || bytes.Contains(text, []byte("path=")) || bytes.Contains(text, []byte("file:")) {
		return "a dependency is a local folder"
	}
	return ""
}
