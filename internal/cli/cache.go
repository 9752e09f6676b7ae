package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"

	"github.com/dockerfile-ls/dockerfile-ls/internal/pathrel"
)

// CacheOptions are what `cache` is asked.
type CacheOptions struct {
	Dockerfile string
	// Target and ContextDir win over the project's when set.
	Target, ContextDir string
	// Changed are the files that changed, as the user names them (see
	// contextPath); BuildArgs the build args whose value changed.
	Changed, BuildArgs []string
}

// Predict reads the Dockerfile, its project's settings (.dockerfile-ls.yaml,
// Compose, bake: the context, target and build args the options leave out,
// as for check) and its build context, and predicts each step.
func Predict(o CacheOptions) (*dockerfile.Document, []cache.Step, error) {
	b, err := resolveBuild(o)
	if err != nil {
		return nil, nil, err
	}
	changed, err := contextPaths(b.root, o.Changed)
	if err != nil {
		return nil, nil, err
	}
	in, _, err := b.input()
	if err != nil {
		return nil, nil, err
	}
	return in.Doc, cache.Predict(in, cache.Change{Paths: changed, BuildArgs: o.BuildArgs}), nil
}

// cacheBuild is the build `cache` predicts: the Dockerfile read, and its
// settings with the options over them.
type cacheBuild struct {
	text   []byte
	abs    string // the Dockerfile
	root   string // the build context
	target string
	st     config.Settings
}

// resolveBuild reads the Dockerfile and finds its settings and context.
func resolveBuild(o CacheOptions) (*cacheBuild, error) {
	text, _, err := readDockerfile(o.Dockerfile)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(o.Dockerfile)
	if err != nil {
		return nil, err
	}
	st, source, err := config.Load(abs)
	if err != nil {
		return nil, err
	}
	b := &cacheBuild{text: text, abs: abs, target: o.Target, st: st}
	if b.target == "" {
		b.target = st.Target
	}
	if b.root, err = cacheContext(o.ContextDir, st, source, abs); err != nil {
		return nil, err
	}
	return b, nil
}

// input reads the build context and parses the Dockerfile: what the cache
// engine predicts with.
func (b *cacheBuild) input() (cache.Input, *buildcontext.Context, error) {
	bctx, err := buildcontext.Load(context.Background(), b.root, b.abs)
	if err != nil {
		return cache.Input{}, nil, fmt.Errorf("reading the build context %s: %w", b.root, err)
	}
	doc := dockerfile.Parse(b.text)
	return cache.Input{Doc: doc, Context: bctx, Target: b.target, BuildArgs: b.st.BuildArgs}, bctx, nil
}

// cacheContext is the build context of the Dockerfile at abs (absolute):
// --context's, the project's (from source) or the Dockerfile's folder,
// within the same scope as check's (see Checker.contextOf), but a context
// out of scope is an error: there is no prediction without one.
func cacheContext(flag string, st config.Settings, source, abs string) (string, error) {
	if flag != "" {
		root, err := filepath.Abs(flag)
		if err == nil {
			err = notFSRoot(root)
		}
		if err != nil {
			return "", fmt.Errorf("--context %s: %w", flag, err)
		}
		return root, nil
	}
	root := st.ContextRoot(abs)
	if st.BuildContext == "" {
		if err := contextScope(root, false); err != nil {
			return "", fmt.Errorf("build context %s: %w (give --context)", root, err)
		}
		return root, nil
	}
	if err := repoContext(root, abs, workingFolder("")); err != nil {
		return "", fmt.Errorf("build context %s (from %s): %w", root, source, err)
	}
	return root, nil
}

// contextPaths maps each --changed path into the build context at root
// (absolute), as cache.Change wants them: relative to root, slash-separated.
func contextPaths(root string, changed []string) ([]string, error) {
	var out []string
	for _, p := range changed {
		rel, err := contextPath(root, p)
		if err != nil {
			return nil, fmt.Errorf("--changed %s: %w", p, err)
		}
		out = append(out, rel)
	}
	return out, nil
}

// contextPath maps one --changed path into the build context at root: the
// file it names from the current folder when it exists there (or it is
// absolute), else the one it names inside the context. Either must exist
// and be inside the context; the error names every path tried.
func contextPath(root, changed string) (string, error) {
	local, err := filepath.Abs(changed)
	if err != nil {
		return "", err
	}
	relLocal, errLocal := inContext(root, local)
	if errLocal == nil || filepath.IsAbs(changed) {
		return relLocal, errLocal
	}
	inCtx := filepath.Join(root, changed)
	relCtx, errCtx := inContext(root, inCtx)
	switch {
	case !exists(local) && errCtx == nil:
		return relCtx, nil
	case exists(local) && errCtx == nil:
		// Both exist: the one from the current folder is meant, as everywhere
		// on a command line, but it is not in the context.
		return "", fmt.Errorf("%s (from the current folder): %w; to mean %s, give %s", local, errLocal, inCtx, relToCwd(inCtx))
	}
	return "", fmt.Errorf("tried %s (from the current folder): %w; and %s (from the build context): %w", local, errLocal, inCtx, errCtx)
}

// errNotExist is a --changed path that names no file.
var errNotExist = errors.New("does not exist")

// inContext returns p relative to root (slash-separated) if it exists and
// is inside root.
func inContext(root, p string) (string, error) {
	if !exists(p) {
		return "", errNotExist
	}
	rel, ok := pathrel.Within(root, p)
	if !ok {
		return "", fmt.Errorf("outside the build context %s", root)
	}
	return rel, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// relToCwd is p from the current folder, as a user would type it.
func relToCwd(p string) string {
	if cwd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(cwd, p); err == nil {
			return rel
		}
	}
	return p
}
