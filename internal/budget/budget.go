// Package budget holds, in one place, every limit that keeps hostile input
// from taking the server or the CLI down: how much text is read, expanded,
// parsed, analysed and answered. Each limit leaves room for real files (a
// 10,000-line Dockerfile of ordinary instructions gets its full analysis);
// past one, the work is cut and the user is told, never crashed.
//
// docs/hostile.md lists these budgets with the measured cost of each
// hostile case; keep the two in step.
package budget

import "time"

// Files the CLI reads (see internal/safefile).
const (
	// MaxDockerfile bounds a Dockerfile `check` or `cache` reads, from a
	// file or standard input. The largest of the ~2,800 real Dockerfiles
	// of the corpus is 60 KB; 4 MiB leaves room for generated ones, and a
	// larger file is refused with a clear error before it is read, never
	// read whole into memory.
	MaxDockerfile = 4 << 20
)

// What the analysis of one document may cost and report (package analysis:
// the server and `check` alike).
const (
	// MaxAnalysedDocument bounds the documents analysed: a larger one is
	// parsed, and the editing features work on it, but it gets one
	// AnalysisBudget finding instead of an analysis. A generated
	// 10,000-line file is 550 KB, analysed in about 1 s and BuildKit's
	// checks in 4 s; those grow faster than the file (45 s at 2.2 MB).
	MaxAnalysedDocument = 1 << 20
	// MaxFindings bounds the findings reported for a document, the most
	// severe kept first; one more finding says how many were left out. A
	// 10 MB file had 408,000, and its pull answer was 238 MB.
	MaxFindings = 1000
	// MaxFindingMessage bounds a finding's message in bytes, and
	// MaxRelated its related places: messages quote the file.
	MaxFindingMessage = 2 << 10
	MaxRelated        = 100
	// BuildKitTime is the time BuildKit's checks of a document may take.
	// Its conversion cannot be stopped midway: past this, a finding says
	// so, and the server does not run them again on that open document.
	BuildKitTime = 20 * time.Second
	// RulesTime is the time our rules may take on one version of a
	// document, checked between rules (a rule runs to its end): past it
	// the remaining rules are not run and a finding names them. Every rule
	// is linear in the file; a 10,000-line file takes about 0.1 s.
	RulesTime = 5 * time.Second
)

// Expansions (the build state, package dockerfile).
const (
	// MaxExpandedWord bounds one expanded word, and MaxExpandedTotal the
	// bytes of expansions one document's state materialises: past them,
	// values are cut (Expansion.Truncated) and unknown, and the
	// ExpansionBudget finding says so. 28 ENV lines each doubling the one
	// before made 335 MB out of 608 bytes.
	MaxExpandedWord  = 64 << 10
	MaxExpandedTotal = 1 << 20
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
	// MaxBuildFileValues bounds the bytes the values of one Compose or
	// bake file evaluate or expand to (bake's variables, contexts and
	// args; Compose's interpolations and its .env), each bounded before
	// it is evaluated: 30 bake variables, or .env lines, each doubling the
	// one before made 10 GB out of 1.5 KB. Real files come to a few KB.
	MaxBuildFileValues = 4 << 20
)

// Build contexts (see buildcontext).
const (
	// MaxIgnoreMatches, plus IgnoreMatchesPerPath for each path matched,
	// bounds the ignore-pattern evaluations (regular expression runs) of
	// one context load, about a microsecond each. Each pattern's needs
	// skip the paths it cannot match, a file is matched from the last
	// pattern back, and a pattern's answer for a path is worked out once:
	// a 65 KB .dockerignore of "**/" patterns over 20,000 files took 130 s
	// of CPU before, and takes under 0.6 s; patterns written to defeat all
	// of that ("**/[^f]x<n>*") reach the limit in about 1.5 s. Real
	// ignore files stay far below. Past the limit the load fails and says
	// why.
	MaxIgnoreMatches     = 1_000_000
	IgnoreMatchesPerPath = 20
)

// RUN scripts (see shell).
const (
	// MaxShellNesting bounds the brackets ("(", "{", "[") of one RUN
	// script, counted before the shell parser, which recurses on each
	// level, sees the text: 150,000 overflowed the stack, and 10,000
	// cost 120 MB and a second. Counting all of them, not only the open
	// ones, bounds the depth without a parser; the largest RUN of the
	// ~2,800 corpus files has 48. Past it the script is not read
	// (shell.Script.Cut).
	MaxShellNesting = 1000
	// MaxShellOperators bounds, likewise, the operator bytes and
	// keywords the parser can recurse on without a bracket (pipes, && and
	// ||, arithmetic and test operators, if/while/for/case): a million
	// "!" in $((...)) overflowed the stack, and 20,000 nested cost 50 MB.
	// The largest corpus RUN has 1,004.
	MaxShellOperators = 10000
)

// What the language server reads and writes (packages lspstream, server).
const (
	// MaxRequest bounds an LSP message read: its body is allocated before
	// it is read, so a header must not be able to ask for more. The
	// largest real message is a didOpen or didChange carrying a whole
	// file.
	MaxRequest = 64 << 20
	// MaxResponse bounds a message written: a request whose answer is
	// larger gets an error instead, and such a notification is not sent.
	// Diagnostics stay far below (MaxFindings); this bounds the rest, such
	// as the semantic tokens of a huge file.
	MaxResponse = 16 << 20
)
