// Package budget holds, in one place, every limit that keeps hostile input
// from taking the server or the CLI down: how much text is read, expanded,
// parsed, analysed and answered. Each limit leaves room for real files (a
// 10,000-line Dockerfile of ordinary instructions gets its full analysis);
// past one, the work is cut and the user is told, never crashed.
//
// docs/hostile.md lists these budgets with the measured cost of each
// hostile case; keep the two in step.
package budget

// Files the CLI reads (see internal/safefile).
const (
	// MaxDockerfile bounds a Dockerfile `check` or `cache` reads, from a
	// file or standard input. The largest of the ~2,800 real Dockerfiles
	// of the corpus is 60 KB; 4 MiB leaves room for generated ones, and a
	// larger file is refused with a clear error before it is read, never
	// read whole into memory.
	MaxDockerfile = 4 << 20
)

// Project, Compose and bake files (see config).
const (
	// MaxFileNesting bounds how deep the text of a project, Compose or
	// bake file nests (brackets, braces, templates, operator chains), as
	// a linear scan counts it before the HCL or YAML parser, which
	// recurse on each level, sees the text: 100,000 nested brackets
	// overflowed the stack. Real files nest fewer than 20 levels; past
	// the limit the file is not read and the user is told.
	MaxFileNesting = 1000
	// MaxBakeInheritWork bounds the settings copied from parents while
	// resolving a bake file's inherits (each target once; a fan-out of
	// 10 × 10 levels pinned a core when every path was walked). Real
	// files copy a few hundred; 100,000 take about 50 ms.
	MaxBakeInheritWork = 100_000
)
