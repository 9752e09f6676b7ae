package oracle

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/gittest"
)

// syntheticDockerfile has what real histories exercise: manifests copied
// before the install, sources copied by folder, a stage built on another,
// COPY --from of both, a glob, and an ignore file.
const syntheticDockerfile = `FROM node:22 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
FROM deps AS build
COPY src ./src
COPY lib/ ./lib/
RUN npm run build
FROM node:22-slim
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config/*.env ./config/
CMD ["node", "dist/a.js"]
`

// syntheticChanges are the kinds of commit a team makes, in turn: code,
// docs the ignore file leaves out, dependencies, a new file, a rename, a
// deletion, configuration. Each commit i makes change i mod len.
var syntheticChanges = []func(r *gittest.Repo, i int){
	func(r *gittest.Repo, i int) { r.Write("src/a.js", fmt.Sprintf("console.log(%d)\n", i)) },
	func(r *gittest.Repo, i int) { r.Write("README.md", fmt.Sprintf("# app %d\n", i)) },
	func(r *gittest.Repo, i int) {
		r.Write("package.json", fmt.Sprintf(`{"name":"app","version":"1.0.%d"}`, i), "package-lock.json", fmt.Sprintf(`{"lockfileVersion":3,"v":%d}`, i))
	},
	func(r *gittest.Repo, i int) { r.Write(fmt.Sprintf("lib/util%d.js", i), "module.exports = 1\n") },
	func(r *gittest.Repo, i int) {
		r.Rename(fmt.Sprintf("lib/util%d.js", i-1), fmt.Sprintf("src/moved%d.js", i))
	},
	func(r *gittest.Repo, i int) { r.Remove(fmt.Sprintf("src/moved%d.js", i-1)) },
	func(r *gittest.Repo, i int) {
		r.Write("config/app.env", fmt.Sprintf("LEVEL=%d\n", i), "config/notes.txt", "read by no step\n")
	},
}

// syntheticHistory makes a repository of n commits after the first.
func syntheticHistory(t *testing.T, n int) string {
	r := gittest.New(t)
	r.Write("Dockerfile", syntheticDockerfile, ".dockerignore", "*.md\nnode_modules\n",
		"package.json", `{"name":"app"}`, "package-lock.json", `{"lockfileVersion":3}`,
		"src/a.js", "console.log(0)\n", "lib/index.js", "module.exports = 0\n", "config/app.env", "LEVEL=0\n", "README.md", "# app\n")
	r.Commit("first")
	for i := 1; i <= n; i++ {
		syntheticChanges[i%len(syntheticChanges)](r, i)
		r.Commit(fmt.Sprintf("change %d", i))
	}
	return r.Dir
}

// TestSyntheticHistoryAgainstBuildKit is TestHistoryAgainstBuildKit on a
// history made here, of this project's own files, so that test-docker
// checks the history forecast against BuildKit from a fresh clone; the
// recorded real histories stay outside the repository (their licences).
func TestSyntheticHistoryAgainstBuildKit(t *testing.T) {
	d := startDaemon(t)
	// One commit in len(syntheticChanges) changes only what the ignore
	// file leaves out, and is not replayed.
	n := minReplayed + minReplayed/(len(syntheticChanges)-1) + 1
	src := syntheticHistory(t, n)
	dir := filepath.Join(t.TempDir(), "synthetic")
	if err := record(src, dir, "Dockerfile", n); err != nil {
		t.Fatal(err)
	}
	replayAgainstBuildKit(t, d, dir)
}
