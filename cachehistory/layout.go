package cachehistory

import (
	"fmt"
	"path/filepath"
	"strings"
)

// LayoutOf places a build context (the folder contextRoot) and its
// Dockerfile in the repository. A Dockerfile outside the repository has no
// versions there: fine for replaying today's, not for as-built (History
// says so).
func LayoutOf(repo *Repo, contextRoot, dockerfilePath string) (Layout, error) {
	if repo.WorkTree == "" {
		return Layout{}, fmt.Errorf("%s is in a bare repository: there are no files to replay against", contextRoot)
	}
	ctx, ok := within(repo.WorkTree, contextRoot)
	if !ok {
		return Layout{}, fmt.Errorf("the build context %s is not in the repository %s", contextRoot, repo.WorkTree)
	}
	l := Layout{Context: ctx}
	if l.Context == "." {
		l.Context = ""
	}
	if df, ok := within(repo.WorkTree, dockerfilePath); ok {
		l.Dockerfile = df
	}
	return l, nil
}

// within is p relative to root, slash-separated, when p is in root; it
// tries again with symbolic links resolved (a repository reached through
// a link, /tmp on macOS).
func within(root, p string) (string, bool) {
	if rel, ok := relInside(root, p); ok {
		return rel, true
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", false
	}
	realDir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return "", false
	}
	return relInside(realRoot, filepath.Join(realDir, filepath.Base(p)))
}

func relInside(root, p string) (string, bool) {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
