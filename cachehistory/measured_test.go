package cachehistory

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestParseVertexName: the names BuildKit's Dockerfile frontend gives its
// steps, and the vertices that are not steps.
func TestParseVertexName(t *testing.T) {
	for _, c := range []struct {
		name string
		want StepName
		ok   bool
	}{
		{"[builder 5/6] RUN npm ci", StepName{"builder", "RUN npm ci"}, true},
		{"[deps  3/12] COPY  package.json ./", StepName{"deps", "COPY package.json ./"}, true},
		{"[linux/arm64 builder 2/4] RUN go build .", StepName{"builder", "RUN go build ."}, true},
		{"[2/3] COPY . .", StepName{"", "COPY . ."}, true},
		{"[internal] load build context", StepName{}, false},
		{"[auth] library/node:pull token for registry-1.docker.io", StepName{}, false},
		{"RUN npm ci", StepName{}, false},
	} {
		got, ok := ParseVertexName(c.name)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseVertexName(%q) = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestNameOf: a step's name as BuildKit shows it: no stage in a one-stage
// file, the lowercased name, or stage-N for an unnamed stage.
func TestNameOf(t *testing.T) {
	one := dockerfile.Parse([]byte("FROM alpine\nRUN apk add   curl \\\n  git\n"))
	if got := NameOf(one, one.Stages[0].Instructions[1]); got != (StepName{"", "RUN apk add curl git"}) {
		t.Errorf("one stage: %+v", got)
	}
	two := dockerfile.Parse([]byte("FROM alpine AS Build\nRUN make\nFROM alpine\nCOPY --from=build /x /x\n"))
	if got := NameOf(two, two.Stages[0].Instructions[1]); got != (StepName{"build", "RUN make"}) {
		t.Errorf("named stage: %+v", got)
	}
	if got := NameOf(two, two.Stages[1].Instructions[1]); got != (StepName{"stage-1", "COPY --from=build /x /x"}) {
		t.Errorf("unnamed stage: %+v", got)
	}
}

// TestMeasuredReplaceEstimates: a measured step costs its measure in the
// totals and says so; the others keep the model's figure.
func TestMeasuredReplaceEstimates(t *testing.T) {
	r := newTestRepo(t)
	r.Write("Dockerfile", "FROM node:22\nCOPY . .\nRUN npm ci\n", "a.js", "1")
	r.Commit("first")
	r.Write("a.js", "2")
	r.Commit("change")
	rp := &Replayer{Repo: r.open(), Today: r.today("Dockerfile"), Measured: Measured{{"", "RUN npm ci"}: 200}}
	h, err := rp.History(Query{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := rp.Replay(h, rp.Today)
	if err != nil {
		t.Fatal(err)
	}
	run, cp := res.Steps[2], res.Steps[1]
	if !run.Cost.Measured || run.Cost.Seconds != 200 || cp.Cost.Measured || cp.Cost.Seconds != secondsCopy {
		t.Errorf("RUN %+v, COPY %+v: want the RUN measured at 200 s, the COPY estimated", run.Cost, cp.Cost)
	}
	if res.Seconds != 200+secondsCopy {
		t.Errorf("total %v s, want %v", res.Seconds, 200+secondsCopy)
	}
}

func TestMedian(t *testing.T) {
	if m := Median([]float64{9, 1, 5}); m != 5 {
		t.Errorf("odd: %v", m)
	}
	if m := Median([]float64{4, 1, 2, 10}); m != 3 {
		t.Errorf("even: %v", m)
	}
}
