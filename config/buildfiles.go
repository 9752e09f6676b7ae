package config

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"go.yaml.in/yaml/v3"
)

// ComposeFileNames are the Compose files looked for, in Compose's order.
var ComposeFileNames = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

// BakeFileNames are the Buildx bake files looked for, in bake's order
// (override files, which only amend these, are not read).
var BakeFileNames = []string{"docker-bake.json", "docker-bake.hcl"}

// FromBuildFiles looks, from the Dockerfile's folder upwards (stopping as
// Find does), for a Compose or bake file that builds the Dockerfile at
// dockerfilePath, and returns that build's context (absolute), target and
// args, and the file's path (source is "" when no file builds it). The
// nearest file wins; in a file, the first service or target that builds
// the Dockerfile. Files that do not parse are skipped: they are not ours
// to report.
func FromBuildFiles(dockerfilePath string) (s Settings, source string) {
	return fromBuildFilesUpTo(dockerfilePath, nil, nil)
}

// fromBuildFilesUpTo is FromBuildFiles stopping where stop says (see
// findUpTo); warn, when set, hears of the files skipped for going past a
// budget (nesting too deep, inherits too costly), which the user must be
// told of.
func fromBuildFilesUpTo(dockerfilePath string, stop func(dir string) bool, warn func(string)) (s Settings, source string) {
	abs, err := filepath.Abs(dockerfilePath)
	if err != nil {
		return Settings{}, ""
	}
	for dir := filepath.Dir(abs); ; {
		for _, name := range buildFileNames {
			p := filepath.Join(dir, name)
			data, err := readInRepo(p, stop)
			if err != nil {
				continue
			}
			s, ok, err := fromBuildFile(p, data, abs, stop)
			if err != nil && warn != nil {
				warn(err.Error())
			}
			if ok {
				return s, p
			}
		}
		parent := filepath.Dir(dir)
		if isRepoRoot(dir) || parent == dir || (stop != nil && stop(dir)) {
			return Settings{}, ""
		}
		dir = parent
	}
}

// buildFileNames are the Compose then the bake files, in the order they
// are looked for in each folder.
var buildFileNames = append(slices.Clone(ComposeFileNames), BakeFileNames...)

// fromBuildFile reads the build of dockerfile from the Compose or bake
// file at path, once its nesting is known to be within budget.
func fromBuildFile(path string, data []byte, dockerfile string, stop func(dir string) bool) (Settings, bool, error) {
	if err := checkNesting(path, data); err != nil {
		return Settings{}, false, err
	}
	if slices.Contains(BakeFileNames, filepath.Base(path)) {
		return fromBake(path, data, dockerfile)
	}
	s, ok := fromCompose(path, data, dockerfile, stop)
	return s, ok, nil
}

// sameFile reports whether a and b (absolute, cleaned) name the same file.
func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// buildPaths resolves a build's context (relative to base) and Dockerfile
// (relative to the context); ok is false for remote contexts.
func buildPaths(base, context, dockerfile string) (ctx, df string, ok bool) {
	if context == "" {
		context = "."
	}
	if strings.Contains(context, "://") || strings.HasPrefix(context, "git@") || strings.Contains(context, ":") && !filepath.IsAbs(context) && filepath.VolumeName(context) == "" {
		return "", "", false
	}
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	ctx = filepath.FromSlash(context)
	if !filepath.IsAbs(ctx) {
		ctx = filepath.Join(base, ctx)
	}
	df = filepath.FromSlash(dockerfile)
	if !filepath.IsAbs(df) {
		df = filepath.Join(ctx, df)
	}
	return filepath.Clean(ctx), filepath.Clean(df), true
}

// fromCompose finds the first service of a Compose file that builds
// dockerfile.
func fromCompose(path string, data []byte, dockerfile string, stop func(dir string) bool) (Settings, bool) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return Settings{}, false
	}
	services := mapValue(resolve(doc.Content[0]), "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return Settings{}, false
	}
	base := filepath.Dir(path)
	expand := composeEnv(base, stop).expand
	for i := 1; i < len(services.Content); i += 2 {
		build := mapValue(resolve(services.Content[i]), "build")
		if build == nil {
			continue
		}
		var context, file, target string
		var args map[string]string
		switch build.Kind {
		case yaml.ScalarNode:
			context = expand(build.Value)
		case yaml.MappingNode:
			context = expand(scalar(mapValue(build, "context")))
			file = expand(scalar(mapValue(build, "dockerfile")))
			target = expand(scalar(mapValue(build, "target")))
			args = composeArgs(mapValue(build, "args"), expand)
		default:
			continue
		}
		ctx, df, ok := buildPaths(base, context, file)
		if ok && sameFile(df, dockerfile) {
			return Settings{BuildContext: ctx, Target: target, BuildArgs: args}, true
		}
	}
	return Settings{}, false
}

// mapValue is the value of key in the mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// composeArgs reads build args given as a mapping or as a list of
// "NAME=value"; an arg without a value (taken from the environment by
// Compose) is left out.
func composeArgs(n *yaml.Node, expand func(string) string) map[string]string {
	out := map[string]string{}
	switch {
	case n == nil:
	case n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := resolve(n.Content[i+1]); v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				out[n.Content[i].Value] = expand(v.Value)
			}
		}
	case n.Kind == yaml.SequenceNode:
		for _, e := range n.Content {
			if name, value, ok := strings.Cut(scalar(resolve(e)), "="); ok {
				out[name] = expand(value)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// composeEnv is what Compose interpolates a file with: the environment,
// then the project's .env (in the Compose file's folder) for names the
// environment does not set. A .env that does not parse, that would expand
// past budget.MaxBuildFileValues (see dotenvFits), or that is not a
// regular file inside the repository (see readInRepo), is ignored.
func composeEnv(dir string, stop func(dir string) bool) *composeVars {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	data, err := readInRepo(filepath.Join(dir, ".env"), stop)
	if err != nil || !dotenvFits(string(data), env) {
		return &composeVars{env: env}
	}
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	if vars, err := dotenv.ParseWithLookup(bytes.NewReader(data), lookup); err == nil {
		for k, v := range vars {
			if _, set := env[k]; !set {
				env[k] = v
			}
		}
	}
	return &composeVars{env: env}
}
