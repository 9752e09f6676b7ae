package cachehistory

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestEstimateOrders: the model orders steps as builds do, and says which
// RUNs have a cache mount.
func TestEstimateOrders(t *testing.T) {
	doc := dockerfile.Parse([]byte(`FROM debian:12
RUN echo hi
RUN curl -fsSLO https://example.com/tool.tgz
COPY app.py /app/
RUN apt-get update && apt-get install -y curl
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
RUN go build -o /app ./...
ADD https://example.com/data.tgz /data/
CMD ["/app"]
`))
	st := doc.State(dockerfile.Options{})
	est := make([]Estimate, len(doc.Instructions))
	for i, inst := range doc.Instructions {
		est[i] = EstimateStep(st, inst)
	}
	const from, echo, curl, cp, install, pip, build, add, cmd = 0, 1, 2, 3, 4, 5, 6, 7, 8
	for _, c := range []struct{ cheaper, dearer int }{
		{echo, curl}, {cp, install}, {curl, install}, {install, build}, {cp, add}, {cmd, cp}, {from, echo},
	} {
		if est[c.cheaper].Seconds >= est[c.dearer].Seconds {
			t.Errorf("line %d (%+v) is not cheaper than line %d (%+v)", c.cheaper+1, est[c.cheaper], c.dearer+1, est[c.dearer])
		}
	}
	wantKinds := []string{"config", "command", "download", "copy", "install", "install", "build", "download", "config"}
	for i, e := range est {
		if e.Kind != wantKinds[i] {
			t.Errorf("line %d: kind %q, want %q", i+1, e.Kind, wantKinds[i])
		}
		if e.CacheMount != (i == pip) {
			t.Errorf("line %d: cache mount %v", i+1, e.CacheMount)
		}
	}
	// apt-get update and install are both counted: more than an install.
	if est[install].Seconds <= secondsRun+secondsInstall {
		t.Errorf("update and install: %v s", est[install].Seconds)
	}
}
