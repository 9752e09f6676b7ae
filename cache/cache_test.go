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
