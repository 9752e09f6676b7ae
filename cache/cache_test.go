package cache

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// statuses renders "line:status" for each step, for compact expectations.
func statuses(steps []Step) string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Inst.Keyword+":"+string(s.Status))
	}
	return strings.Join(out, " ")
}

func TestPredict(t *testing.T) {
	cases := []struct {
		name, text string
		change     Change
		target     string
		want       string
	}{
		{"copy all before install", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\"]\n",
			Change{Paths: []string{"app.py"}}, "", "FROM:cached WORKDIR:cached COPY:re-run RUN:re-run CMD:re-run"},
		{"manifest first", "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
			Change{Paths: []string{"app.py"}}, "", "FROM:cached COPY:cached RUN:cached COPY:re-run"},
		{"subdir copy, other file", "FROM alpine\nCOPY src/ /src/\nRUN make\n",
			Change{Paths: []string{"docs/readme.md"}}, "", "FROM:cached COPY:cached RUN:cached"},
		{"glob", "FROM alpine\nCOPY *.txt /\nRUN cat /*.txt\n",
			Change{Paths: []string{"a.txt"}}, "", "FROM:cached COPY:re-run RUN:re-run"},
		{"build arg from declaration on", "FROM alpine\nRUN one\nARG V\nRUN two\nCOPY x /x\n",
			Change{BuildArgs: []string{"V"}}, "", "FROM:cached RUN:cached ARG:cached RUN:re-run COPY:re-run"},
		{"global arg not redeclared", "ARG V\nFROM alpine\nRUN one\n",
			Change{BuildArgs: []string{"V"}}, "", "FROM:cached RUN:cached"},
		{"global arg in FROM", "ARG V=3.19\nFROM alpine:$V\nRUN one\n",
			Change{BuildArgs: []string{"V"}}, "", "FROM:re-run RUN:re-run"},
		{"proxy arg undeclared", "FROM alpine\nRUN one\n",
			Change{BuildArgs: []string{"HTTP_PROXY"}}, "", "FROM:cached RUN:cached"},
		{"cache mount not in key", "FROM alpine\nRUN --mount=type=cache,target=/c make\n",
			Change{Paths: []string{"c/x"}}, "", "FROM:cached RUN:cached"},
		{"bind mount in key", "FROM alpine\nRUN --mount=type=bind,source=src,target=/s make\n",
			Change{Paths: []string{"src/main.c"}}, "", "FROM:cached RUN:re-run"},
		{"copy from stage depends", "FROM alpine AS build\nCOPY . /src\nRUN make\nFROM alpine\nCOPY --from=build /out /out\nRUN ls\n",
			Change{Paths: []string{"main.c"}}, "", "FROM:cached COPY:re-run RUN:re-run FROM:cached COPY:depends RUN:depends"},
		{"stage from stage", "FROM alpine AS base\nCOPY . /src\nFROM base\nRUN ls\n",
			Change{Paths: []string{"x"}}, "", "FROM:cached COPY:re-run FROM:re-run RUN:re-run"},
		{"copy link", "FROM alpine\nCOPY a /a\nCOPY --link b /b\nRUN ls\n",
			Change{Paths: []string{"a"}}, "", "FROM:cached COPY:re-run COPY:cached RUN:re-run"},
		{"target skips stage", "FROM alpine AS test\nCOPY . /src\nFROM alpine AS prod\nRUN ls\n",
			Change{Paths: []string{"x"}}, "prod", "FROM:not-built COPY:not-built FROM:cached RUN:cached"},
		// Sources and flags after BuildKit's expansion (issue 15).
		{"source from an ENV", "FROM python:3.12\nENV SRC=src\nCOPY $SRC /app/src\nRUN ls\n",
			Change{Paths: []string{"src/a.py"}}, "", "FROM:cached ENV:cached COPY:re-run RUN:re-run"},
		{"source from an ENV, other file", "FROM python:3.12\nENV SRC=src\nCOPY $SRC /app/src\n",
			Change{Paths: []string{"docs/a.md"}}, "", "FROM:cached ENV:cached COPY:cached"},
		{"source from an unknown variable", "FROM python:3.12\nCOPY $SRC /app/src\n",
			Change{Paths: []string{"docs/a.md"}}, "", "FROM:cached COPY:re-run"},
		{"excluded file", "FROM alpine\nCOPY --exclude=*.md . /c\nRUN ls\n",
			Change{Paths: []string{"readme.md"}}, "", "FROM:cached COPY:cached RUN:cached"},
		{"exclude is relative to the source", "FROM alpine\nCOPY --exclude=*.md docs /c\n",
			Change{Paths: []string{"docs/readme.md"}}, "", "FROM:cached COPY:cached"},
		{"excluded directory", "FROM alpine\nCOPY --exclude=tests . /c\n",
			Change{Paths: []string{"tests/unit/a_test.py"}}, "", "FROM:cached COPY:cached"},
		{"file not excluded", "FROM alpine\nCOPY --exclude=*.md . /c\n",
			Change{Paths: []string{"main.go"}}, "", "FROM:cached COPY:re-run"},
		{"exclude with exception", "FROM alpine\nCOPY --exclude=*.md --exclude=!keep.md . /c\n",
			Change{Paths: []string{"keep.md"}}, "", "FROM:cached COPY:re-run"},
		{"bind source from an ARG", "FROM alpine\nARG DIR=src\nRUN --mount=type=bind,source=$DIR,target=/s make\n",
			Change{Paths: []string{"src/main.c"}}, "", "FROM:cached ARG:cached RUN:re-run"},
		{"bind from a stage", "FROM alpine AS build\nCOPY . /src\nFROM alpine\nRUN --mount=from=build,source=/src,target=/s ls\n",
			Change{Paths: []string{"main.c"}}, "", "FROM:cached COPY:re-run FROM:cached RUN:depends"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := dockerfile.Parse([]byte(c.text))
			got := statuses(Predict(Input{Doc: doc, Target: c.target}, c.change))
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	for _, c := range []struct {
		src, p string
		want   bool
	}{{".", "a/b", true}, {"./", "x", true}, {"src", "src/a.go", true}, {"src/", "srcs/a", false},
		{"*.txt", "a.txt", true}, {"*.txt", "d/a.txt", false}, {"/app.py", "app.py", true}, {"app.py", "lib/app.py", false}} {
		if got := Covers(c.src, c.p); got != c.want {
			t.Errorf("Covers(%q, %q) = %v", c.src, c.p, got)
		}
	}
}

// TestOneLineEscape: with "# escape=`", the command is joined on the
// backtick, which must not show in messages (issue 15).
func TestOneLineEscape(t *testing.T) {
	doc := dockerfile.Parse([]byte("# escape=`\nFROM python:3.12\nCOPY . .\nRUN pip install --no-cache-dir `\n    -r requirements.txt\n"))
	run := doc.Instructions[2]
	if got, want := OneLine(doc, run), "`RUN pip install --no-cache-dir -r requirements.txt`"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	steps := Predict(Input{Doc: doc}, Change{Paths: []string{"app.py"}})
	if got := statuses(steps); got != "FROM:cached COPY:re-run RUN:re-run" {
		t.Errorf("got %s", got)
	}
}

// TestPredictWithBuildArgs: the build's args choose the sources.
func TestPredictWithBuildArgs(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM alpine\nARG DIR=src\nCOPY $DIR /app\n"))
	in := Input{Doc: doc, BuildArgs: map[string]string{"DIR": "lib"}}
	if got := statuses(Predict(in, Change{Paths: []string{"src/a.c"}})); got != "FROM:cached ARG:cached COPY:cached" {
		t.Errorf("src changed, lib copied: %s", got)
	}
	if got := statuses(Predict(in, Change{Paths: []string{"lib/a.c"}})); got != "FROM:cached ARG:cached COPY:re-run" {
		t.Errorf("lib changed, lib copied: %s", got)
	}
}
