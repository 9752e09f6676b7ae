package features

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
)

func TestHover(t *testing.T) {
	const stage = "ARG GO=1.22\nARG BASE=golang:${GO}\nFROM ${BASE} AS build\nARG GO\nENV DIR=/src/go$GO\n"
	for _, tc := range []struct {
		name, src string
		want      string // exact Markdown, or a line of it when prefixed with "~"
		span      string
	}{
		{"global ARG in FROM", "ARG GO=1.22\nARG BASE=golang:${GO}\nFROM ${BA|SE}\n",
			"**ARG** `BASE` = `golang:1.22`\n\nDeclared on line 2", "2:7-2:11"},
		{"re-declared global", stage + "RUN echo $G|O\n",
			"**ARG** `GO` = `1.22`\n\nDeclared on line 4; its default comes from the global ARG", "5:10-5:12"},
		{"ENV expanded", stage + "WORKDIR $D|IR\n",
			"**ENV** `DIR` = `/src/go1.22`\n\nDeclared on line 5", "5:9-5:12"},
		{"declaration", stage + "ENV DI|R=/x\n",
			"**ENV** `DIR` = `/x`\n\nDeclared on line 6", "5:4-5:7"},
		{"ENV wins over ARG", "FROM a\nENV V=env\nARG V=arg\nRUN echo $|V\n",
			"**ENV** `V` = `env`\n\nDeclared on line 2", "3:10-3:11"},
		{"inherited ENV", "FROM a AS base\nENV P=/opt\nFROM base\nRUN ls $|P\n",
			"**ENV** `P` = `/opt`\n\nDeclared on line 2 (inherited from the parent stage's ENV)", "3:8-3:9"},
		{"global not visible", "ARG V=1\nFROM a\nRUN echo $|V\n",
			"`V` is not set here: the global `ARG V` (line 1) is visible only in `FROM` lines. Re-declare it in this stage with `ARG V`.", "2:10-2:11"},
		{"platform ARG in FROM", "FROM --platform=$BUILD|PLATFORM a\n",
			"**automatic ARG** `BUILDPLATFORM`: The platform of the machine running the build, e.g. `linux/amd64`.", "0:17-0:30"},
		{"base image env", "FROM a\nRUN echo $PA|TH\n",
			"`PATH` is not declared in this Dockerfile; it may come from the base image's environment.", "1:10-1:14"},
		{"unset build arg", "FROM a\nARG TOKEN\nRUN echo ${TOK|EN}\n",
			"**ARG** `TOKEN` has no default: its value comes from `--build-arg TOKEN=...`\n\nDeclared on line 2", "2:11-2:16"},
		{"stage reference", "FROM golang:1.22 AS build\nRUN go build\nFROM alpine\nCOPY --from=bu|ild /app /app\n",
			"**Stage** `build` (stage 0, line 1)\n\n```dockerfile\nFROM golang:1.22 AS build\n```\n\n2 instruction(s), referenced 1 time(s)", "3:12-3:17"},
		{"flag", "FROM a\nCOPY --ch|own=1:1 a b\n",
			"`--chown=<user>:<group>`\n\nThe owner of the copied files (names or IDs); by default root (UID and GID 0).\n\n[Dockerfile reference](https://docs.docker.com/reference/dockerfile/#copy---chown---chmod)", "1:5-1:16"},
		{"mount type", "FROM a\nRUN --mount=type=ca|che,target=/c x\n",
			"**--mount=type=cache**\n\nA folder kept between builds for compilers and package managers (not part of the cache key, not in the image).\n\n[Dockerfile reference](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)", "1:17-1:22"},
		{"mount key", "FROM a\nRUN --mount=type=cache,sha|ring=locked x\n",
			"**--mount sharing**\n\nHow concurrent builds use one cache: `shared` (default), `private` (a new cache when busy) or `locked` (wait).", "1:23-1:30"},
		{"directive", "# esc|ape=`\nFROM a\n",
			"**# escape=** ```\n\nThe escape and line-continuation character: `\\` (default) or `` ` `` (for Windows paths).\n\n[Dockerfile reference](https://docs.docker.com/reference/dockerfile/#escape)", "0:0-0:10"},
		{"instruction", "FROM a\nWORK|DIR /app\n",
			"```dockerfile\nWORKDIR <path>\n```\n\nSets the working directory for the following `RUN`, `CMD`, `ENTRYPOINT`, `COPY` and `ADD`, creating it when missing.\n\n[Dockerfile reference](https://docs.docker.com/reference/dockerfile/#workdir)\n\n---\n\n**Re-runs when:** its path changes; or whenever an earlier step of this stage re-runs.", "1:0-1:7"},
		{"ONBUILD trigger", "FROM a\nONBUILD CO|PY . /app\n", "~[Dockerfile reference](https://docs.docker.com/reference/dockerfile/#copy)", "1:8-1:12"},
		{"RUN cache", "ARG V=1\nFROM a\nARG V\nARG TARGETARCH\nENV E=1\nR|UN --mount=type=bind,source=go.mod,target=go.mod --mount=type=cache,target=/c --mount=type=bind,from=deps,source=/out,target=/d go build\n",
			"~**Re-runs when:** its command or flags change (after variable expansion); build arg `V` or `TARGETARCH` changes; files under `go.mod` in the build context change (bind mount); `/out` in `deps` changes (bind mount); or whenever an earlier step of this stage re-runs.", "5:0-5:3"},
		{"COPY cache", "FROM a\nCO|PY package.json package-lock.json ./\n",
			"~**Re-runs when:** `package.json` or `package-lock.json` changes in the build context (content or mode); its destination or flags change; or whenever an earlier step of this stage re-runs.", "1:0-1:4"},
		{"COPY of an unknown source", "FROM a\nARG SRC\nCO|PY $SRC /app/\n",
			"~**Re-runs when:** the files `$SRC` selects change (it depends on a value unknown here); build arg `SRC` changes; its destination or flags change; or whenever an earlier step of this stage re-runs.", "2:0-2:4"},
		{"FROM an expanded stage", "ARG B=base\nFROM a AS base\nFR|OM ${B}\n",
			"~**Cache:** every step of this stage re-runs when stage `base` re-runs.", "2:0-2:4"},
		{"FROM an expanded image", "ARG V=20\nFR|OM node:${V}\n",
			"~**Cache:** every step of this stage re-runs when `node:20` resolves to another image digest (pin it with `@sha256:...` to decide when).", "1:0-1:4"},
		{"ENV with the base image's PATH", "FROM python:3.12\nENV PATH=\"/opt/venv/bin:$PATH\"\nRUN pip install $P|ATH\n",
			"**ENV** `PATH` = `/opt/venv/bin:$PATH`\n\nThe variables left as written are not known before the build (the base image's environment or a build arg).\n\nDeclared on line 2", "2:17-2:21"},
		{"legacy ENV", "FROM a\nENV NODE_ENV production\nRUN echo $NODE_E|NV\n",
			"**ENV** `NODE_ENV` = `production`\n\nDeclared on line 2", "2:10-2:18"},
		{"predefined proxy ARG", "FROM a\nRUN curl -x $HTTP_PR|OXY x\n",
			"**predefined ARG** `HTTP_PROXY`: a proxy setting BuildKit predefines: the client sets it (`--build-arg HTTP_PROXY=...`) or it is unset", "1:13-1:23"},
		{"COPY --link cache", "FROM a AS b\nFROM c\nCO|PY --link --from=b /x /y\n",
			"~**Re-runs when:** the files it copies from stage `b` change; its destination or flags change; but not when only earlier steps re-run (`--link`).", "2:0-2:4"},
		{"ADD URL cache", "FROM a\nA|DD https://example.com/x.tgz /x\n",
			"~**Re-runs when:** the content at `https://example.com/x.tgz` changes; its destination or flags change; or whenever an earlier step of this stage re-runs.", "1:0-1:3"},
		{"FROM cache", "FROM a AS b\nFR|OM b\n",
			"~**Cache:** every step of this stage re-runs when stage `b` re-runs.", "1:0-1:4"},
		{"FROM image cache", "FR|OM node:20\n",
			"~**Cache:** every step of this stage re-runs when `node:20` resolves to another image digest (pin it with `@sha256:...` to decide when).", "0:0-0:4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, off := withCursor(tc.src)
			h, ok := HoverFor(noArgs(doc), off)
			if !ok {
				t.Fatal("no hover")
			}
			if line, ok := strings.CutPrefix(tc.want, "~"); ok {
				if !strings.Contains(h.Markdown+"\n", line+"\n") {
					t.Errorf("hover lacks %q:\n%s", line, h.Markdown)
				}
			} else if h.Markdown != tc.want {
				t.Errorf("got\n%s\nwant\n%s", h.Markdown, tc.want)
			}
			if got := rng(doc, h.Span); got != tc.span {
				t.Errorf("span %s, want %s", got, tc.span)
			}
		})
	}
	doc, off := withCursor("FROM a\nRUN echo hi |\n")
	if _, ok := HoverFor(noArgs(doc), off); ok {
		t.Error("hover on plain text")
	}
}

// TestHoverCacheNoteIsPredict: the cache note of a step lists, for each
// input it reads, exactly what `dockerfile-ls cache` predicts for the step
// when that input changes, and nothing the prediction does not say.
func TestHoverCacheNoteIsPredict(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		changes   []cache.Change // the inputs the step reads
		lines     []string       // the note's lines for them, as "flag: "
	}{
		{"COPY sources", "FROM a\nCO|PY package.json src/ ./\n",
			[]cache.Change{{Paths: []string{"package.json"}}, {Paths: []string{"src/"}}},
			[]string{"`--changed package.json`: ", "`--changed src/`: "}},
		{"COPY source from an ENV", "FROM a\nENV SRC=src\nCO|PY $SRC /app/src\n",
			[]cache.Change{{Paths: []string{"src"}}},
			[]string{"`--changed src`: "}},
		{"COPY naming a build arg", "FROM a\nARG DIR=x\nARG OTHER\nCO|PY ${DIR}/a /a\n",
			[]cache.Change{{Paths: []string{"x/a"}}, {BuildArgs: []string{"DIR"}}},
			[]string{"`--changed x/a`: ", "`--build-arg DIR`: "}},
		{"RUN bind mount and args", "FROM a AS build\nARG V\nR|UN --mount=type=bind,source=go.mod,target=/m go build\nFROM b\n",
			[]cache.Change{{Paths: []string{"go.mod"}}, {BuildArgs: []string{"V"}}},
			[]string{"`--changed go.mod`: ", "`--build-arg V`: "}},
		{"ARG under an ENV of the same name", "FROM a\nENV V=1\nARG V\nR|UN x\n",
			[]cache.Change{{BuildArgs: []string{"V"}}},
			[]string{"`--build-arg V`: "}},
		{"FROM naming a global ARG", "ARG TAG=1\nFR|OM a:${TAG}\n",
			[]cache.Change{{BuildArgs: []string{"TAG"}}},
			[]string{"`--build-arg TAG`: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, off := withCursor(tc.src)
			h, ok := HoverFor(noArgs(doc), off)
			if !ok {
				t.Fatal("no hover")
			}
			in := doc.InstructionAt(off)
			target := doc.Stages[in.Stage].Name
			for i, ch := range tc.changes {
				var want string
				for _, s := range cache.Predict(cache.Input{Doc: doc, Target: target}, ch) {
					if s.Inst == in && s.Status != cache.Cached {
						want = "\n- " + tc.lines[i] + "re-runs, because " + s.Reason + "\n"
					}
				}
				if want == "" {
					if strings.Contains(h.Markdown, "- "+tc.lines[i]) {
						t.Errorf("the note has %q, which cache.Predict does not re-run:\n%s", tc.lines[i], h.Markdown)
					}
					continue
				}
				if !strings.Contains(h.Markdown+"\n", want) {
					t.Errorf("the note lacks %q:\n%s", want, h.Markdown)
				}
			}
			if n := strings.Count(h.Markdown, "\n- "); n > len(tc.changes) {
				t.Errorf("%d predictions for %d inputs:\n%s", n, len(tc.changes), h.Markdown)
			}
		})
	}
}

// TestHoverCacheNoteNotBuilt: in a stage the default target does not
// build, the note says so, as the cache command does.
func TestHoverCacheNoteNotBuilt(t *testing.T) {
	doc, off := withCursor("FROM a\nCO|PY x /x\nFROM b\n")
	h, _ := HoverFor(noArgs(doc), off)
	steps := cache.Predict(cache.Input{Doc: doc}, cache.Change{Paths: []string{"x"}})
	if steps[1].Status != cache.NotBuilt {
		t.Fatalf("cache predicts %s for the COPY", steps[1].Status)
	}
	want := "**`dockerfile-ls cache`:** not built, because " + steps[1].Reason + "."
	if !strings.HasSuffix(h.Markdown, "\n\n"+want) {
		t.Errorf("the note does not end with %q:\n%s", want, h.Markdown)
	}
}
