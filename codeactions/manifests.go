package codeactions

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

// maxManifest bounds a manifest the fixes read: the lock files of large
// projects reach a few MB. A larger one is not read, and the fix that
// needed it is not offered.
const maxManifest = 16 << 20

// readContextFile reads a context file; only the fixes read contents (the
// analyses stat only). The repository is not trusted: only a regular file
// of at most maxManifest bytes that no symlink leads out of the context is
// read, never blocking on a FIFO.
func readContextFile(bctx *buildcontext.Context, p string) ([]byte, bool) {
	if !bctx.Exists(p) || bctx.IsDir(p) {
		return nil, false
	}
	b, err := safefile.Read(bctx.Root(), filepath.Join(bctx.Root(), filepath.FromSlash(p)), maxManifest)
	return b, err == nil
}

// requirementsClosure is a pip requirements file and the files it names
// with -r/-c, recursively; it refuses files that install local paths
// (-e ., ./pkg, file:), which need more than the manifests.
func requirementsClosure(bctx *buildcontext.Context, file string) ([]string, bool) {
	seen := map[string]bool{}
	var walk func(f string, depth int) bool
	walk = func(f string, depth int) bool {
		if seen[f] {
			return true
		}
		seen[f] = true
		text, ok := readContextFile(bctx, f)
		if !ok || depth > 10 {
			return false
		}
		sc := bufio.NewScanner(bytes.NewReader(text))
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), " #")
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			fields := strings.Fields(line)
			switch fields[0] {
			case "-r", "--requirement", "-c", "--constraint":
				if len(fields) < 2 || !walk(path.Join(path.Dir(f), fields[1]), depth+1) {
					return false
				}
				continue
			case "-e", "--editable", "-f", "--find-links":
				return false
			}
			if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "/") || strings.Contains(line, "file:") {
				return false
			}
		}
		return true
	}
	if !walk(path.Clean(file), 0) {
		return nil, false
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	return out, true
}

// projectManifests are the files a manifest-driven install (npm ci, go mod
// download, bundle install, ...) reads from dir, or false when the install
// may read more than them (local path dependencies, install scripts,
// workspaces) or when the later full COPY would overwrite what it installs.
func projectManifests(m *pkgmgr.Manager, dir string, bctx *buildcontext.Context) ([]string, bool) {
	check, ok := manifestChecks[m.Name]
	if !ok {
		return nil, false
	}
	for _, out := range check.outputs {
		if bctx.Exists(path.Join(dir, out)) {
			return nil, false
		}
	}
	var files []string
	for _, name := range check.files {
		p := path.Join(dir, name)
		if !bctx.Exists(p) {
			continue
		}
		if refuse := check.refuse[name]; refuse != nil {
			// A manifest that cannot be read may ask for anything.
			if text, ok := readContextFile(bctx, p); !ok || refuse(text) {
				return nil, false
			}
		}
		files = append(files, p)
	}
	if len(files) == 0 || !bctx.Exists(path.Join(dir, check.files[0])) {
		return nil, false
	}
	return files, true
}

// manifestCheck says, per manager, which files an install reads (the first
// is required), which folders it writes into the project, and, for the
// manifests whose text is read, what in it makes the install read more
// than the manifests.
type manifestCheck struct {
	files   []string
	outputs []string
	refuse  map[string]func(text []byte) bool
}

var nodeFiles = []string{"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", ".npmrc", ".yarnrc", ".yarnrc.yml", ".yarn/releases", ".yarn/plugins", ".yarn/patches"}

var (
	nodeRefuse = map[string]func([]byte) bool{"package.json": refuseNodeManifest}
	// Python projects name local paths in any of their manifests.
	pipenvRefuse = map[string]func([]byte) bool{"Pipfile": refuseLocalPath, "Pipfile.lock": refuseLocalPath}
	poetryRefuse = map[string]func([]byte) bool{"pyproject.toml": refuseLocalPath, "poetry.lock": refuseLocalPath, "poetry.toml": refuseLocalPath}
	uvRefuse     = map[string]func([]byte) bool{"pyproject.toml": refuseLocalPath, "uv.lock": refuseLocalPath, ".python-version": refuseLocalPath}
)

var manifestChecks = map[string]manifestCheck{
	"npm":     {files: nodeFiles, outputs: []string{"node_modules", "pnpm-workspace.yaml"}, refuse: nodeRefuse},
	"yarn":    {files: nodeFiles, outputs: []string{"node_modules", "pnpm-workspace.yaml"}, refuse: nodeRefuse},
	"pnpm":    {files: nodeFiles, outputs: []string{"node_modules", "pnpm-workspace.yaml"}, refuse: nodeRefuse},
	"go":      {files: []string{"go.mod", "go.sum"}, outputs: []string{"go.work", "vendor"}, refuse: map[string]func([]byte) bool{"go.mod": refuseGoMod}},
	"bundler": {files: []string{"Gemfile", "Gemfile.lock"}, outputs: []string{"vendor/bundle", ".bundle"}, refuse: map[string]func([]byte) bool{"Gemfile": refuseGemfile}},
	"pipenv":  {files: []string{"Pipfile", "Pipfile.lock"}, refuse: pipenvRefuse},
	"poetry":  {files: []string{"pyproject.toml", "poetry.lock", "poetry.toml"}, outputs: []string{".venv"}, refuse: poetryRefuse},
	"uv":      {files: []string{"pyproject.toml", "uv.lock", ".python-version"}, outputs: []string{".venv"}, refuse: uvRefuse},
}

// refuseNodeManifest: install scripts may run project code, workspaces and
// local dependencies need their folders.
func refuseNodeManifest(text []byte) bool {
	var pkg struct {
		Scripts    map[string]string `json:"scripts"`
		Workspaces json.RawMessage   `json:"workspaces"`
	}
	if err := json.Unmarshal(text, &pkg); err != nil || len(pkg.Workspaces) > 0 {
		return true
	}
	for _, s := range []string{"preinstall", "install", "postinstall", "prepare", "prepublish"} {
		if _, ok := pkg.Scripts[s]; ok {
			return true
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
					return true
				}
			}
		}
	}
	return false
}

// refuseGoMod: a replace directive to a local folder needs that folder.
func refuseGoMod(text []byte) bool {
	for _, line := range strings.Split(string(text), "\n") {
		if _, target, ok := strings.Cut(line, "=>"); ok {
			t := strings.TrimSpace(target)
			if strings.HasPrefix(t, ".") || strings.HasPrefix(t, "/") {
				return true
			}
		}
	}
	return false
}

// refuseGemfile: gemspec and path: gems need the sources.
func refuseGemfile(text []byte) bool {
	return bytes.Contains(text, []byte("gemspec")) || bytes.Contains(text, []byte("path:")) || bytes.Contains(text, []byte(":path"))
}

// refuseLocalPath: path dependencies in pyproject.toml or Pipfile.
func refuseLocalPath(text []byte) bool {
	return bytes.Contains(text, []byte("path =")) || bytes.Contains(text, []byte("path=")) || bytes.Contains(text, []byte("file:"))
}
