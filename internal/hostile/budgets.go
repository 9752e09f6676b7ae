package hostile

import "time"

// The limits every case runs under.
const (
	// AddressSpace is the address-space limit (RLIMIT_AS) of the server
	// and of check: past it an allocation fails and the process dies, as
	// it would on a machine without the memory. Go reserves address space
	// it never touches, so this is no measure of use (MaxRSS is).
	AddressSpace = 2 << 30
	// MaxRSS bounds the peak resident memory of every case.
	MaxRSS = 500 << 20
	// Slack is added to every time budget: a process's start, a
	// loaded machine.
	Slack = time.Second
	// KeystrokeHover bounds a hover in one document while another, large
	// one is being typed into.
	KeystrokeHover = 200 * time.Millisecond
	// CancelAnswer bounds the answer to a request cancelled at once.
	CancelAnswer = 200 * time.Millisecond
)

// s shortens the table below.
const s = time.Second

// Budgets are the time each case may take, from the hostile input to the
// last answer (the server: its last publish or answer before it went
// quiet; check: its exit), Slack added. They hold on a 2-core machine
// shared with other work (load 10 to 20): the CPU each case uses is a
// fraction of them (docs/hostile.md has both). 2 s is the floor: a
// process's start and a Dockerfile's two analysis phases.
var Budgets = map[string]time.Duration{
	// Exponential expansion (ENV, ARG, global ARG, ten-fold).
	"lsp/env-doubling-608":      2 * s,
	"check/env-doubling-608":    2 * s,
	"lsp/arg-doubling":          2 * s,
	"check/arg-doubling":        2 * s,
	"lsp/global-arg-doubling":   2 * s,
	"check/global-arg-doubling": 2 * s,
	"lsp/env-tenfold-569":       2 * s,
	"check/env-tenfold-569":     2 * s,
	"lsp/bake-doubling-30":      3 * s,
	"check/bake-doubling-30":    3 * s,
	// Shell nesting and operators, in RUN and heredocs.
	"lsp/parens-150k":                 3 * s,
	"check/parens-150k":               3 * s,
	"lsp/dollar-brace-300k":           2 * s,
	"check/dollar-brace-300k":         2 * s,
	"lsp/dollar-brace-150k":           2 * s,
	"check/dollar-brace-150k":         2 * s,
	"lsp/heredoc-parens-150k":         2 * s,
	"check/heredoc-parens-150k":       2 * s,
	"lsp/heredoc-dollar-brace-150k":   2 * s,
	"check/heredoc-dollar-brace-150k": 2 * s,
	"lsp/cmdsubst-40k":                2 * s,
	"check/cmdsubst-40k":              2 * s,
	"lsp/quoted-cmdsubst-20k":         2 * s,
	"check/quoted-cmdsubst-20k":       2 * s,
	"lsp/backticks-20k":               2 * s,
	"check/backticks-20k":             2 * s,
	"lsp/arithmetic-not-500k":         2 * s,
	"check/arithmetic-not-500k":       2 * s,
	"lsp/pipeline-100k":               2 * s,
	"check/pipeline-100k":             2 * s,
	// Size: continuation lines (typed into), and whole files past each size budget.
	"lsp/continuation-100k":      15 * s,
	"check/continuation-100k":    5 * s,
	"lsp/ordinary-10000-lines":   45 * s,
	"check/ordinary-10000-lines": 30 * s,
	"lsp/dockerfile-3mb":         30 * s,
	"check/dockerfile-3mb":       10 * s,
	"lsp/dockerfile-10mb":        5 * s,
	"check/dockerfile-10mb":      2 * s,
	"lsp/dockerfile-25mb":        8 * s,
	"check/dockerfile-25mb":      2 * s,
	// Ignore and project files that are /dev/zero, /dev/urandom or a FIFO.
	"lsp/zero/.dockerignore":             2 * s,
	"check/zero/.dockerignore":           2 * s,
	"lsp/zero/Dockerfile.dockerignore":   2 * s,
	"check/zero/Dockerfile.dockerignore": 2 * s,
	"lsp/zero/.containerignore":          2 * s,
	"check/zero/.containerignore":        2 * s,
	"lsp/zero/.gitignore":                2 * s,
	"check/zero/.gitignore":              2 * s,
	"lsp/zero/.dockerfile-ls.yaml":       2 * s,
	"check/zero/.dockerfile-ls.yaml":     2 * s,
	"lsp/zero/.dockerfile-ls.yml":        2 * s,
	"check/zero/.dockerfile-ls.yml":      2 * s,
	"lsp/zero/compose.yaml":              2 * s,
	"check/zero/compose.yaml":            2 * s,
	"lsp/zero/compose.yml":               2 * s,
	"check/zero/compose.yml":             2 * s,
	"lsp/zero/docker-compose.yml":        2 * s,
	"check/zero/docker-compose.yml":      2 * s,
	"lsp/zero/docker-compose.yaml":       2 * s,
	"check/zero/docker-compose.yaml":     2 * s,
	"lsp/zero/docker-bake.json":          2 * s,
	"check/zero/docker-bake.json":        2 * s,
	"lsp/zero/docker-bake.hcl":           2 * s,
	"check/zero/docker-bake.hcl":         2 * s,
	"lsp/zero/.env":                      2 * s,
	"check/zero/.env":                    2 * s,
	"lsp/urandom/all":                    2 * s,
	"check/urandom/all":                  2 * s,
	"lsp/fifo/.dockerignore":             2 * s,
	"check/fifo/.dockerignore":           2 * s,
	"lsp/fifo/Dockerfile.dockerignore":   2 * s,
	"check/fifo/Dockerfile.dockerignore": 2 * s,
	"lsp/fifo/.containerignore":          2 * s,
	"check/fifo/.containerignore":        2 * s,
	"lsp/fifo/.gitignore":                2 * s,
	"check/fifo/.gitignore":              2 * s,
	"lsp/fifo/.dockerfile-ls.yaml":       2 * s,
	"check/fifo/.dockerfile-ls.yaml":     2 * s,
	"lsp/fifo/.dockerfile-ls.yml":        2 * s,
	"check/fifo/.dockerfile-ls.yml":      2 * s,
	"lsp/fifo/compose.yaml":              2 * s,
	"check/fifo/compose.yaml":            2 * s,
	"lsp/fifo/compose.yml":               2 * s,
	"check/fifo/compose.yml":             2 * s,
	"lsp/fifo/docker-compose.yml":        2 * s,
	"check/fifo/docker-compose.yml":      2 * s,
	"lsp/fifo/docker-compose.yaml":       2 * s,
	"check/fifo/docker-compose.yaml":     2 * s,
	"lsp/fifo/docker-bake.json":          2 * s,
	"check/fifo/docker-bake.json":        2 * s,
	"lsp/fifo/docker-bake.hcl":           2 * s,
	"check/fifo/docker-bake.hcl":         2 * s,
	"lsp/fifo/.env":                      2 * s,
	"check/fifo/.env":                    2 * s,
	"lsp/fifo/root-project-file":         2 * s,
	"check/fifo/root-project-file":       2 * s,
	"check/fifo/Dockerfile-found":        2 * s,
	"check/fifo/Dockerfile-named":        2 * s,
	// Globs: "**/a/" x 12 against a Dockerfile 40 folders deep.
	"lsp/deep-glob/dockerfiles":    2 * s,
	"check/deep-glob/dockerfiles":  2 * s,
	"lsp/deep-glob/ignore":         2 * s,
	"check/deep-glob/ignore":       2 * s,
	"check/deep-glob/gitignore":    2 * s,
	"lsp/deep-glob/dockerignore":   2 * s,
	"check/deep-glob/dockerignore": 2 * s,
	"check/deep-glob/cli-no-match": 2 * s,
	"check/deep-glob/cli-match":    2 * s,
	// Build contexts: a 65 KB .dockerignore of "**/" patterns, and 100,000 files.
	"lsp/dockerignore-65k/20k-files":   10 * s,
	"check/dockerignore-65k/20k-files": 10 * s,
	"lsp/dockerignore-65k/defeat":      15 * s,
	"check/dockerignore-65k/defeat":    10 * s,
	"lsp/context-100k-files":           10 * s,
	"check/context-100k-files":         10 * s,
	// Bake, Compose and project files.
	"lsp/bake-brackets-100k":           3 * s,
	"check/bake-brackets-100k":         2 * s,
	"lsp/bake-inherits-10x10":          2 * s,
	"check/bake-inherits-10x10":        2 * s,
	"lsp/bake-json-brackets-100k":      2 * s,
	"check/bake-json-brackets-100k":    2 * s,
	"lsp/compose-laughs-9":             2 * s,
	"check/compose-laughs-9":           2 * s,
	"lsp/compose-brackets-100k":        2 * s,
	"check/compose-brackets-100k":      2 * s,
	"lsp/compose-interpolation-100k":   5 * s,
	"check/compose-interpolation-100k": 5 * s,
	"lsp/project-brackets-100k":        2 * s,
	"check/project-brackets-100k":      2 * s,
	"lsp/project-1mb-args":             2 * s,
	"check/project-1mb-args":           2 * s,
	// The server alone: whole-file code actions, a client that never answers.
	"lsp/codeaction-8000-lines":             20 * s,
	"lsp/configuration-never-answered-200k": 60 * s,
	// Scope: documents and contexts outside the workspace.
	"lsp/file-root-dockerfile":              2 * s,
	"lsp/file-root-dockerfile-no-workspace": 2 * s,
	"lsp/etc-dockerfile-no-workspace":       2 * s,
	"lsp/home-dockerfile-no-workspace":      2 * s,
	"lsp/context-root/project":              2 * s,
	"check/context-root/project":            2 * s,
	"lsp/context-root/compose":              2 * s,
	"check/context-root/compose":            2 * s,
	"lsp/context-root/bake":                 2 * s,
	"check/context-root/bake":               2 * s,
	"lsp/context-symlink-to-etc":            2 * s,
	"check/context-symlink-to-etc":          2 * s,
	"lsp/dockerignore-to-etc-passwd":        2 * s,
	"check/dockerignore-to-etc-passwd":      2 * s,
	"lsp/project-files-symlinked-outside":   2 * s,
	"check/project-files-symlinked-outside": 2 * s,
	// check --fix, as careful as an editor.
	"check/fix/symlink-outside-found": 2 * s,
	"check/fix/symlink-outside-named": 2 * s,
	"check/fix/read-only":             2 * s,
	"check/fix/hard-link":             2 * s,
	"check/fix/owner-and-mode":        2 * s,
	"check/fix/edit-during-fix":       10 * s,
}
