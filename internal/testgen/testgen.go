// Package testgen generates realistic Dockerfiles of a given size for
// benchmarks and stress tests, and lists the real-world Dockerfiles the
// corpus tests run over (corpus.go).
package testgen

import (
	"fmt"
	"strings"
)

// Dockerfile returns a file of about lines lines spread over stages
// stages, mixing the instructions real files use (multi-line RUNs with
// flags, COPY --from, ARG/ENV, heredoc-free so every edit can be spliced).
func Dockerfile(lines, stages int) string {
	var b strings.Builder
	b.WriteString("# syntax=docker/dockerfile:1\nARG BASE=debian:bookworm\n")
	perStage := max(4, lines/stages)
	for s := 0; s < stages; s++ {
		if s == 0 {
			fmt.Fprintf(&b, "FROM ${BASE} AS stage%d\n", s)
		} else {
			fmt.Fprintf(&b, "FROM stage%d AS stage%d\n", s-1, s)
		}
		fmt.Fprintf(&b, "ARG VERSION_%d=1.%d\nENV APP_HOME=/app/%d\nWORKDIR /app/%d\n", s, s, s, s)
		for n := 4; n < perStage; {
			switch n % 4 {
			case 0:
				fmt.Fprintf(&b, "RUN --mount=type=cache,target=/var/cache/apt \\\n    apt-get update && apt-get install -y --no-install-recommends \\\n    curl-%d ca-certificates && rm -rf /var/lib/apt/lists/*\n", n)
				n += 3
			case 1:
				fmt.Fprintf(&b, "COPY --chown=app:app src/%d/ /app/%d/\n", n, s)
				n++
			case 2:
				fmt.Fprintf(&b, "ENV PATH=/app/%d/bin:$PATH VERSION=${VERSION_%d}\n", n, s)
				n++
			default:
				fmt.Fprintf(&b, "RUN echo step %d && ls -la /app > /tmp/list-%d.txt\n", n, n)
				n++
			}
		}
	}
	b.WriteString("CMD [\"/app/run\"]\n")
	return b.String()
}

// TypingAt is where the keystroke benchmarks type in a generated file: the
// end of the first "RUN echo" line in its second half.
func TypingAt(text string) int {
	at := strings.Index(text[len(text)/2:], "RUN echo") + len(text)/2
	return at + strings.IndexByte(text[at:], '\n')
}

// Keystroke is the i-th edit of a user typing at offset at, as start, end
// and new text: a character typed on even i, deleted again on odd i.
func Keystroke(at, i int) (start, end int, text string) {
	if i%2 == 1 {
		return at, at + 1, ""
	}
	return at, at, "x"
}
