package cachehistory

import (
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// goService is a multi-stage build: a builder, a test stage the final
// image does not need, and a final stage copying from the builder.
const goService = `FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN go build -o /app
FROM build AS test
RUN go test ./...
FROM alpine:3.19
COPY --from=build /app /app
CMD ["/app"]
`

// goRepo commits goService with an ignore file that leaves the Dockerfile
// and itself out of the context, so that only --as-built sees them.
func goRepo(t *testing.T) *testRepo {
	r := newTestRepo(t)
	r.Write("Dockerfile", goService, ".dockerignore", "Dockerfile\n.dockerignore\n", "go.mod", "module x\n",
		"main.go", "package main\n", "README.md", "# x\n")
	r.Commit("first")
	return r
}

// TestAsBuiltDockerfileChanges: a changed step re-runs with the rest of
// its stage, a stage copying from it depends on it; a comment, or an
// instruction that only sets the image's configuration, re-runs nothing;
// an ENV re-runs the RUNs after it, not the COPY.
func TestAsBuiltDockerfileChanges(t *testing.T) {
	r := goRepo(t)
	edits := []struct{ subject, from, to, want string }{
		{"comment", "FROM alpine:3.19\n", "# the runtime\nFROM alpine:3.19\n",
			"cached cached cached cached cached cached not-built not-built cached cached cached"},
		{"run changed", "RUN go mod download\n", "RUN go mod download -x\n",
			"cached cached cached re-run re-run re-run not-built not-built cached depends depends"},
		{"cmd changed", `CMD ["/app"]`, `CMD ["/app", "-v"]`,
			"cached cached cached cached cached cached not-built not-built cached cached cached"},
		{"env added", "WORKDIR /src\n", "WORKDIR /src\nENV CGO_ENABLED=0\n",
			"cached cached cached cached re-run re-run re-run not-built not-built cached depends depends"},
		{"base image", "FROM golang:1.22 AS build", "FROM golang:1.23 AS build",
			"re-run re-run re-run re-run re-run re-run re-run not-built not-built cached depends depends"},
	}
	text := goService
	for _, e := range edits {
		text = strings.Replace(text, e.from, e.to, 1)
		r.Write("Dockerfile", text)
		r.Commit(e.subject)
	}
	_, res := r.replay(true, Query{})
	for _, e := range edits {
		if got := statuses(bySubject(t, res, e.subject)); got != e.want {
			t.Errorf("%s:\n got %s\nwant %s", e.subject, got, e.want)
		}
	}
	// Today's Dockerfile replayed, the Dockerfile changes are not in the
	// context: nothing to replay.
	if _, today := r.replay(false, Query{}); len(today.Commits) != 0 {
		t.Errorf("today's Dockerfile replayed %d commits that change only the ignored Dockerfile", len(today.Commits))
	}
}

// TestAsBuiltSummaryMatchesToday: the steps of past Dockerfiles count on
// today's step with the same instruction in the same stage; those today's
// Dockerfile no longer has are listed apart.
func TestAsBuiltSummaryMatchesToday(t *testing.T) {
	r := goRepo(t)
	r.Write("Dockerfile", strings.Replace(goService, "RUN go build -o /app", "RUN go build -o /app -v", 1))
	r.Commit("old build flags")
	r.Write("main.go", "package main // 2\n")
	r.Commit("code")
	r.Write("Dockerfile", goService)
	r.Commit("back")
	_, res := r.replay(true, Query{})
	var build StepTotal
	for _, s := range res.Steps {
		if s.Inst.Keyword == "RUN" && s.Doc.CommandText(s.Inst) == "RUN go build -o /app" {
			build = s
		}
	}
	if build.Reruns != 1 { // "back" re-runs it; the other two ran the -v one
		t.Errorf("today's go build re-ran %d times, want 1", build.Reruns)
	}
	if len(res.Apart) != 1 || res.Apart[0].Reruns != 2 || !strings.Contains(res.Apart[0].Doc.Slice(res.Apart[0].Inst.Span), "-v") {
		t.Errorf("apart: %+v, want the -v build, re-run twice", res.Apart)
	}
}

// TestAsBuiltIgnoreFileChange: files the new ignore file lets in or
// leaves out changed for the build, as if added or deleted.
func TestAsBuiltIgnoreFileChange(t *testing.T) {
	r := goRepo(t)
	r.Write(".dockerignore", "Dockerfile\n.dockerignore\nREADME.md\n")
	r.Commit("ignore readme")
	_, res := r.replay(true, Query{})
	c := bySubject(t, res, "ignore readme")
	if !slices.Equal(c.Paths, []string{"README.md"}) {
		t.Errorf("changed %v, want README.md (now left out)", c.Paths)
	}
	if got := statuses(c); got != "cached cached cached cached re-run re-run not-built not-built cached depends depends" {
		t.Errorf("statuses %s", got)
	}
}

// TestAsBuiltNewDockerfile: a commit adding the Dockerfile runs all of
// it; commits before it built nothing.
func TestAsBuiltNewDockerfile(t *testing.T) {
	r := newTestRepo(t)
	r.Write("main.go", "package main\n")
	r.Commit("first")
	r.Write("main.go", "package main // 2\n")
	r.Commit("no dockerfile yet")
	r.Write("Dockerfile", "FROM alpine:3.19\nCOPY main.go /\n")
	r.Commit("dockerfile")
	rp := &Replayer{Repo: r.open(), Layout: Layout{Dockerfile: "Dockerfile"}, Today: r.today("Dockerfile"), AsBuilt: true}
	h, err := rp.History(Query{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := rp.Replay(h, rp.Today)
	if err != nil {
		t.Fatal(err)
	}
	if h.NoDockerfile != 1 || len(res.Commits) != 1 || statuses(res.Commits[0]) != "re-run re-run" {
		t.Errorf("no Dockerfile %d, %d commits: want 1, and the new Dockerfile all re-run", h.NoDockerfile, len(res.Commits))
	}
}

// TestDockerfileChangeKeys: what a change to the Dockerfile re-runs, by
// BuildKit's keys: a COPY --link stays cached behind a changed step; a
// global ARG's new default reaches the RUNs after its declaration in a
// stage; the same steps moved down by a new line are still cached.
func TestDockerfileChangeKeys(t *testing.T) {
	for _, c := range []struct{ name, before, after, want string }{
		{"link", "FROM alpine\nRUN a\nCOPY --link x /x\nRUN b\n", "FROM alpine\nRUN a2\nCOPY --link x /x\nRUN b\n",
			"cached re-run cached re-run"},
		{"global arg", "ARG V=1\nFROM alpine\nARG V\nCOPY x /x\nRUN make\n", "ARG V=2\nFROM alpine\nARG V\nCOPY x /x\nRUN make\n",
			"cached cached cached re-run"},
		{"moved down", "FROM alpine\nRUN a\n", "FROM alpine\n\n# why\n\nRUN a\n", "cached cached"},
		{"stage renamed", "FROM alpine AS one\nRUN a\nFROM one\nRUN b\n", "FROM alpine AS two\nRUN a\nFROM two\nRUN b\n",
			"cached cached cached cached"},
		{"base stage changed", "FROM alpine AS one\nRUN a\nFROM one\nRUN b\n", "FROM alpine AS one\nRUN a2\nFROM one\nRUN b\n",
			"cached re-run re-run re-run"},
	} {
		before, after := dockerfile.Parse([]byte(c.before)), dockerfile.Parse([]byte(c.after))
		got := dockerfileChange(before, after, dockerfile.Options{})
		var statuses []string
		for _, st := range after.Stages {
			for _, inst := range st.Instructions {
				statuses = append(statuses, string(got[inst].status))
			}
		}
		if s := strings.Join(statuses, " "); s != c.want {
			t.Errorf("%s: %s, want %s", c.name, s, c.want)
		}
	}
}
