package cachehistory

import (
	"fmt"

	"github.com/dockerfile-ls/dockerfile-ls/internal/pathrel"
)

// LayoutOf places a build context (the folder contextRoot) and its
// Dockerfile in the repository. A Dockerfile outside the repository has no
// versions there: fine for replaying today's, not for as-built (History
// says so).
func LayoutOf(repo *Repo, contextRoot, dockerfilePath string) (Layout, error) {
	if repo.WorkTree == "" {
		return Layout{}, fmt.Errorf("%s is in a bare repository: there are no files to replay against", contextRoot)
	}
	ctx, ok := pathrel.Within(repo.WorkTree, contextRoot)
	if !ok {
		return Layout{}, fmt.Errorf("the build context %s is not in the repository %s", contextRoot, repo.WorkTree)
	}
	l := Layout{Context: ctx}
	if l.Context == "." {
		l.Context = ""
	}
	if df, ok := pathrel.Within(repo.WorkTree, dockerfilePath); ok {
		l.Dockerfile = df
	}
	return l, nil
}
