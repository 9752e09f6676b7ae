// Package hostile is the hostile-input suite of issue 18: a generator for
// each input that once crashed, wedged or misled the server or `check`,
// and (in its tests, `make test-hostile`) a harness that runs the real
// binary on each under an address-space limit and checks what it costs:
// time against the case's budget (budgets.go), peak memory, the server
// still answering afterwards, and, under strace, nothing opened outside
// the workspace beyond the documented list and nothing written outside
// the paths given.
//
// The generators take their sizes as arguments, so that the fuzz targets'
// seeds (seeds_test.go) are the same inputs scaled down past each budget.
package hostile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Base is the first line of every generated Dockerfile.
const Base = "FROM alpine:3.19\n"

// Doubling is the exponential expansion of issue 18: a 10-byte variable
// and n lines each defining the next as the previous one twice, then a
// RUN using the last. instr is ENV or ARG; with ENV and n = 28 it is the
// 608 bytes whose expansion (2.7 GB) took the server down on didOpen.
func Doubling(instr string, n int) []byte {
	var b strings.Builder
	b.WriteString(Base)
	fmt.Fprintf(&b, "%s A0=xxxxxxxxxx\n", instr)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s A%d=${A%d}${A%d}\n", instr, i, i-1, i-1)
	}
	fmt.Fprintf(&b, "RUN echo $A%d\n", n)
	return []byte(b.String())
}

// GlobalDoubling is Doubling with the ARGs before FROM (the global scope),
// redeclared in the stage and used by a RUN, a WORKDIR and a COPY source,
// which is matched against the build context.
func GlobalDoubling(n int) []byte {
	var b strings.Builder
	b.WriteString("ARG A0=xxxxxxxxxx\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "ARG A%d=${A%d}${A%d}\n", i, i-1, i-1)
	}
	b.WriteString(Base)
	fmt.Fprintf(&b, "ARG A%d\nWORKDIR /$A%d\nCOPY $A%d* /dst/\nLABEL x=$A%d\nRUN echo $A%d\n", n, n, n, n, n)
	return []byte(b.String())
}

// TenFold grows ten times per line: n = 9 is issue 18's 569 bytes that
// killed `check` (10 GB expanded).
func TenFold(n int) []byte {
	var b strings.Builder
	b.WriteString(Base)
	b.WriteString("ENV A0=xxxxxxxxxx\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "ENV A%d=%s\n", i, strings.Repeat(fmt.Sprintf("${A%d}", i-1), 10))
	}
	fmt.Fprintf(&b, "RUN echo $A%d\n", n)
	return []byte(b.String())
}

// Parens is a RUN of n "(" spread over continuation lines of 50 each
// (two bytes a bracket: 150,000 are issue 18's 300 KB that overflowed the
// shell parser's stack), closed again.
func Parens(n int) []byte {
	var b strings.Builder
	b.WriteString(Base + "RUN ")
	for i := 0; i < n; i += 50 {
		b.WriteString(strings.Repeat("( ", min(50, n-i)))
		b.WriteString("\\\n")
	}
	b.WriteString("true " + strings.Repeat(")", n) + "\n")
	return []byte(b.String())
}

// Nested is a RUN of n open units around "x", each closed again:
// Nested("${a:-", "}", n) and Nested("$(", ")", n) are issue 18's default
// expansions and command substitutions.
func Nested(open, closing string, n int) []byte {
	return []byte(Base + "RUN echo " + strings.Repeat(open, n) + "x" + strings.Repeat(closing, n) + "\n")
}

// Heredoc puts body in a RUN heredoc: the shell parser sees it as the
// script, without continuation lines.
func Heredoc(body string) []byte {
	return []byte(Base + "RUN <<EOF\n" + body + "\nEOF\n")
}

// ParensBody is what Parens runs, one line per 50 brackets, for Heredoc.
func ParensBody(n int) string {
	var b strings.Builder
	for i := 0; i < n; i += 50 {
		b.WriteString(strings.Repeat("( ", min(50, n-i)) + "\n")
	}
	b.WriteString("true " + strings.Repeat(")", n))
	return b.String()
}

// Arithmetic is n "!" in $((...)): operators the parser recurses on
// without a bracket.
func Arithmetic(n int) []byte {
	return []byte(Base + "RUN echo $((" + strings.Repeat("!", n) + "1))\n")
}

// Pipeline is a RUN of n commands joined by "|" and "&&" in turn.
func Pipeline(n int) []byte {
	var b strings.Builder
	b.WriteString(Base + "RUN a")
	for i := 0; i < n; i++ {
		b.WriteString([]string{" | a", " && a"}[i%2])
	}
	b.WriteString("\n")
	return []byte(b.String())
}

// Continuations is a RUN of n continuation lines of 5 bytes (100,000 are
// issue 18's 500 KB whose logical lines were scanned per request).
func Continuations(n int) []byte {
	return []byte(Base + "RUN echo \\\n" + strings.Repeat(" a \\\n", n) + " end\n")
}

// ordinary are the lines Sized repeats: instructions of real files, each
// with a finding or a fix, as a generated file has.
var ordinary = []string{
	"RUN apt-get update && apt-get install -y curl\n",
	"ENV PATH_%d /usr/local/bin\n",
	"COPY . /app\n",
	"RUN cd /app && make build-%d\n",
	"MAINTAINER someone@example.com\n",
	"CMD node server-%d.js\n",
}

// Sized is a Dockerfile of ordinary instructions of about size bytes.
func Sized(size int) []byte {
	var b strings.Builder
	b.Grow(size + 64)
	b.WriteString(Base)
	for i := 0; b.Len() < size; i++ {
		line := ordinary[i%len(ordinary)]
		if strings.Contains(line, "%d") {
			line = fmt.Sprintf(line, i)
		}
		b.WriteString(line)
	}
	return []byte(b.String())
}

// Ordinary is a Dockerfile of n lines of instructions that real files
// are made of and that have nothing to report: the file the budgets must
// leave room for (a 10,000-line one gets its full analysis).
func Ordinary(n int) []byte {
	var b strings.Builder
	b.WriteString(Base)
	for i := 1; i < n; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "ENV K%d=v%d\n", i, i)
		case 1:
			fmt.Fprintf(&b, "LABEL l%d=\"line %d\"\n", i, i)
		case 2:
			fmt.Fprintf(&b, "WORKDIR /w/%d\n", i)
		default:
			fmt.Fprintf(&b, "RUN echo \"$K%d\" > /tmp/f%d\n", i-3, i)
		}
	}
	return []byte(b.String())
}

// Fixable is a Dockerfile of n lines, each with a finding that has a fix
// (legacy "ENV key value" and MAINTAINER), for whole-file code actions.
func Fixable(n int) []byte {
	var b strings.Builder
	b.WriteString(Base)
	for i := 1; i < n; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "MAINTAINER m%d\n", i)
		} else {
			fmt.Fprintf(&b, "ENV K%d v%d\n", i, i)
		}
	}
	return []byte(b.String())
}

// Small is a sane Dockerfile with one fixable finding (MAINTAINER).
const Small = Base + "MAINTAINER someone\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n"

// Bake files, Compose files and project files.

// bakeTarget builds the Dockerfile beside the bake file.
const bakeTarget = `target "default" {
  context    = "."
  dockerfile = "Dockerfile"
}
`

// BakeBrackets is a docker-bake.hcl whose variable nests n brackets
// (100,000 overflowed the HCL parser's stack).
func BakeBrackets(n int) []byte {
	return []byte("variable \"X\" {\n  default = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n}\n" + bakeTarget)
}

// BakeInherits is a docker-bake.hcl of depth levels of fanout targets,
// each inheriting every target of the level below, under the target that
// builds the Dockerfile: fanout^depth paths (10 × 10 pinned a core).
func BakeInherits(fanout, depth int) []byte {
	var b strings.Builder
	level := func(d int) string {
		names := make([]string, fanout)
		for i := range names {
			names[i] = fmt.Sprintf("%q", fmt.Sprintf("t%d_%d", d, i))
		}
		return strings.Join(names, ", ")
	}
	fmt.Fprintf(&b, "target \"default\" {\n  inherits = [%s]\n  context = \".\"\n  dockerfile = \"Dockerfile\"\n}\n", level(0))
	for d := 0; d < depth; d++ {
		for i := 0; i < fanout; i++ {
			if d == depth-1 {
				fmt.Fprintf(&b, "target \"t%d_%d\" {\n  args = { A%d = \"v\" }\n}\n", d, i, i)
				continue
			}
			fmt.Fprintf(&b, "target \"t%d_%d\" {\n  inherits = [%s]\n}\n", d, i, level(d+1))
		}
	}
	return []byte(b.String())
}

// BakeDoubling is a docker-bake.hcl of n variables each twice the one
// before (30 made 10 GB out of 1.5 KB), used as a build arg.
func BakeDoubling(n int) []byte {
	var b strings.Builder
	b.WriteString("variable \"V0\" {\n  default = \"xxxxxxxxxx\"\n}\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "variable \"V%d\" {\n  default = \"${V%d}${V%d}\"\n}\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "target \"default\" {\n  context = \".\"\n  dockerfile = \"Dockerfile\"\n  args = { X = V%d }\n}\n", n)
	return []byte(b.String())
}

// composeService builds the Dockerfile beside the Compose file.
const composeService = "services:\n  app:\n    build:\n      context: .\n      dockerfile: Dockerfile\n"

// YAMLLaughs is a Compose file whose anchors expand to 10^levels strings
// (the "billion laughs").
func YAMLLaughs(levels int) []byte {
	var b strings.Builder
	b.WriteString("x-l0: &l0 \"lol\"\n")
	for i := 1; i <= levels; i++ {
		refs := strings.Repeat(fmt.Sprintf("*l%d,", i-1), 10)
		fmt.Fprintf(&b, "x-l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(refs, ","))
	}
	b.WriteString(composeService)
	fmt.Fprintf(&b, "    labels:\n      laughs: *l%d\n", levels)
	return []byte(b.String())
}

// YAMLBrackets is a Compose file with n nested flow sequences.
func YAMLBrackets(n int) []byte {
	return []byte(composeService + "x-deep: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n")
}

// ComposeInterpolation is a Compose file whose build arg nests n default
// interpolations (Compose's template package).
func ComposeInterpolation(n int) []byte {
	return []byte(composeService + "      args:\n        X: \"" + strings.Repeat("${A:-", n) + "x" + strings.Repeat("}", n) + "\"\n")
}

// DeepGlob is issue 18's "**/a/" repeated n times: 12 against a path 40
// folders deep backtracked exponentially.
func DeepGlob(n int) string { return strings.Repeat("**/a/", n) }

// DeepDir is the path of n folders named "a".
func DeepDir(n int) string { return strings.TrimSuffix(strings.Repeat("a/", n), "/") }

// StarIgnore is a .dockerignore of about size bytes of "**/" patterns;
// with defeat, patterns that no cheap test rules out ("**/[^f]x<n>*").
func StarIgnore(size int, defeat bool) []byte {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		if defeat {
			fmt.Fprintf(&b, "**/[^f]x%d*\n", i)
		} else {
			fmt.Fprintf(&b, "**/d%d/**/f%d*\n", i%97, i)
		}
	}
	return []byte(b.String())
}

// Tree writes n empty files under root, 100 to a folder, folders two
// levels deep (d<i>/e<j>/f<k>.txt): a build context of n entries.
func Tree(root string, n int) error {
	for i := 0; i < n; i++ {
		dir := filepath.Join(root, fmt.Sprintf("d%d", i/10000), fmt.Sprintf("e%d", i/100%100))
		if i%100 == 0 {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("tree: %w", err)
			}
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("f%d.txt", i)))
		if err != nil {
			return fmt.Errorf("tree: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("tree: %w", err)
		}
	}
	return nil
}
