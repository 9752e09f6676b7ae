package features

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// navSrc has two stages using a global ARG through re-declaration, an
// inherited ENV, stage references of every kind and an unnamed stage.
const navSrc = `ARG V=1
ARG W=$V
FROM alpine:$V AS base
ARG V
RUN echo $V $W
ENV V=2 E=e
RUN echo ${V}
FROM base AS build
RUN echo $V $E
COPY --from=base /x /y
RUN --mount=type=bind,from=base,target=/m true
FROM scratch
COPY --from=0 /a /b
COPY --from=build /c /d
`

func cursor(src, marker string) int {
	i := strings.Index(src, strings.Replace(marker, "|", "", 1))
	if i < 0 {
		panic("no " + marker)
	}
	return i + strings.Index(marker, "|")
}

func TestDefinition(t *testing.T) {
	doc := dockerfile.Parse([]byte(navSrc))
	for _, tc := range []struct{ name, at, want string }{
		{"global ARG in a global default", "$|V\nFROM", "V@0:4-0:5"},
		{"global ARG in FROM", "alpine:$|V", "V@0:4-0:5"},
		{"stage ARG use", "echo $|V $W", "V@3:4-3:5"},
		{"re-declaration goes to the global", "ARG |V\nRUN", "V@0:4-0:5"},
		{"ENV after ARG", "${|V}", "V@5:4-5:5"},
		{"inherited ENV", "echo $|V $E", "V@5:4-5:5"},
		{"stage in FROM", "FROM b|ase AS build", "base@2:18-2:22"},
		{"COPY --from", "--from=b|ase /x", "base@2:18-2:22"},
		{"mount from", "from=b|ase,target", "base@2:18-2:22"},
		{"stage by index", "--from=|0", "base@2:18-2:22"},
		{"declaration itself", "AS b|uild", "build@7:13-7:18"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, ok := Definition(doc, cursor(navSrc, tc.at))
			if !ok {
				t.Fatal("no definition")
			}
			if got := spans(doc, []Span{sp}); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	unnamed := dockerfile.Parse([]byte("FROM a\nFROM b\nCOPY --from=0 /x /y\n"))
	if sp, ok := Definition(unnamed, len("FROM a\nFROM b\nCOPY --from=")); !ok || rng(unnamed, sp) != "0:0-0:4" {
		t.Errorf("unnamed stage by index: %v %s", ok, rng(unnamed, sp))
	}
	for _, at := range []string{"echo $V $|W", "RUN| echo", "alpin|e"} {
		if sp, ok := Definition(doc, cursor(navSrc, at)); ok {
			t.Errorf("%s: unexpected definition %s", at, spans(doc, []Span{sp}))
		}
	}
}

func TestReferencesAndHighlights(t *testing.T) {
	doc := dockerfile.Parse([]byte(navSrc))
	// V: the global, its uses in global scope, the stage's re-declaration
	// (linked), the stage's ENV V (same variable) and the uses in stage
	// build (inherited ENV).
	wantV := "V@0:4-0:5 V@1:7-1:8 V@2:13-2:14 V@3:4-3:5 V@4:10-4:11 V@5:4-5:5 V@6:11-6:12 V@8:10-8:11"
	for _, at := range []string{"ARG |V=1", "echo $|V $W", "${V|}"} {
		if got := spans(doc, References(doc, cursor(navSrc, at), true)); got != wantV {
			t.Errorf("references at %q:\ngot  %s\nwant %s", at, got, wantV)
		}
	}
	if got, want := spans(doc, References(doc, cursor(navSrc, "ARG |V=1"), false)), "V@1:7-1:8 V@2:13-2:14 V@4:10-4:11 V@6:11-6:12 V@8:10-8:11"; got != want {
		t.Errorf("references without declarations:\ngot  %s\nwant %s", got, want)
	}
	wantBase := "base@2:18-2:22 base@7:5-7:9 base@9:12-9:16 base@10:27-10:31 0@12:12-12:13"
	if got := spans(doc, References(doc, cursor(navSrc, "AS b|ase"), true)); got != wantBase {
		t.Errorf("stage references:\ngot  %s\nwant %s", got, wantBase)
	}
	// W is global only: the $W in the stage is another (unset) variable.
	if got, want := spans(doc, References(doc, cursor(navSrc, "ARG |W"), true)), "W@1:4-1:5"; got != want {
		t.Errorf("W: got %s, want %s", got, want)
	}
	var hs []string
	for _, h := range Highlights(doc, cursor(navSrc, "ENV V=2 |E")) {
		kind := "read"
		if h.Write {
			kind = "write"
		}
		hs = append(hs, rng(doc, h.Span)+" "+kind)
	}
	if got, want := strings.Join(hs, ", "), "5:8-5:9 write, 8:13-8:14 read"; got != want {
		t.Errorf("highlights: got %s, want %s", got, want)
	}
}

func TestRename(t *testing.T) {
	for _, tc := range []struct{ name, src, at, to, want, err string }{
		{"linked variable", navSrc, "echo $|V $W", "VERSION", `ARG VERSION=1
ARG W=$VERSION
FROM alpine:$VERSION AS base
ARG VERSION
RUN echo $VERSION $W
ENV VERSION=2 E=e
RUN echo ${VERSION}
FROM base AS build
RUN echo $VERSION $E
COPY --from=base /x /y
RUN --mount=type=bind,from=base,target=/m true
FROM scratch
COPY --from=0 /a /b
COPY --from=build /c /d
`, ""},
		{"stage", navSrc, "FROM b|ase AS", "deps", `ARG V=1
ARG W=$V
FROM alpine:$V AS deps
ARG V
RUN echo $V $W
ENV V=2 E=e
RUN echo ${V}
FROM deps AS build
RUN echo $V $E
COPY --from=deps /x /y
RUN --mount=type=bind,from=deps,target=/m true
FROM scratch
COPY --from=0 /a /b
COPY --from=build /c /d
`, ""},
		{"separate stages", "FROM a\nARG X=1\nRUN echo $X\nFROM b\nARG X=2\nRUN echo $X\n", "ARG |X=1", "Y",
			"FROM a\nARG Y=1\nRUN echo $Y\nFROM b\nARG X=2\nRUN echo $X\n", ""},
		{"bad variable name", navSrc, "echo $|V", "1X", "", `"1X" is not a valid variable name`},
		{"clash", navSrc, "echo $|V", "E", "", "E is already declared in this scope"},
		{"bad stage name", navSrc, "AS b|ase", "a b", "", `"a b" is not a valid stage name`},
		{"existing stage", navSrc, "AS b|ase", "BUILD", "", `a stage named "build" already exists (line 8)`},
		{"stage index", navSrc, "--from=|0", "x", "", "this refers to a stage by its index; rename the stage at its `AS` name"},
		{"BuildKit ARG", "FROM --platform=$BUILDPLATFORM a\nARG TARGETOS\nRUN echo $TARGETOS\n", "echo $TARG|ETOS", "OS", "", "TARGETOS is set by BuildKit and cannot be renamed"},
		{"nothing", navSrc, "RU|N echo", "x", "", "no stage or variable name here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := dockerfile.Parse([]byte(tc.src))
			off := cursor(tc.src, tc.at)
			_, _, perr := PrepareRename(doc, off)
			edits, err := Rename(doc, off, tc.to)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("got error %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil || perr != nil {
				t.Fatalf("rename: %v, prepare: %v", err, perr)
			}
			if got := string(apply(t, doc.Text, edits)); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	doc := dockerfile.Parse([]byte(navSrc))
	sp, name, err := PrepareRename(doc, cursor(navSrc, "--from=bu|ild"))
	if err != nil || name != "build" || rng(doc, sp) != "13:12-13:17" {
		t.Errorf("prepare rename: %v %q %s", err, name, rng(doc, sp))
	}
	if _, _, err := PrepareRename(doc, cursor(navSrc, "RU|N echo")); !NothingToRename(err) {
		t.Errorf("prepare rename on a keyword: %v", err)
	}
}
