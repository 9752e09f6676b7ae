package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	controlapi "github.com/moby/buildkit/api/services/control"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
)

// Measured step durations for `cache --history --buildkit-addr ADDR`: the
// builds a BuildKit daemon keeps in its history (BuildKit's history API,
// the one `docker buildx history` reads), each replayed through the
// control API's Status call, which gives every vertex its start and end.
// Only the command line does this, and only when the user names the
// daemon: the server never contacts one.

// buildkitTimeout bounds reading a daemon's history.
const buildkitTimeout = 2 * time.Minute

// buildHistory is the part of BuildKit's control API the measures read.
type buildHistory interface {
	ListenBuildHistory(ctx context.Context, in *controlapi.BuildHistoryRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[controlapi.BuildHistoryEvent], error)
	Status(ctx context.Context, in *controlapi.StatusRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[controlapi.StatusResponse], error)
}

// MeasuredFrom says where the measured durations came from.
type MeasuredFrom struct {
	Addr   string `json:"addr"`
	Builds int    `json:"builds"` // builds of a Dockerfile of this name read
	Steps  int    `json:"steps"`  // step names with a duration
}

// readMeasured reads the daemon at addr (unix:///run/buildkit/buildkitd.sock,
// tcp://HOST:PORT without TLS): the median duration of each step that ran
// (not cached, not failed) in its builds of a Dockerfile named like
// dockerfileName. It speaks BuildKit's control API through its generated
// Go client, as buildctl does, without the rest of buildctl's client
// (sessions, content stores) that a history does not need.
func readMeasured(addr, dockerfileName string) (cachehistory.Measured, MeasuredFrom, error) {
	ctx, cancel := context.WithTimeout(context.Background(), buildkitTimeout)
	defer cancel()
	target, err := grpcTarget(addr)
	if err != nil {
		return nil, MeasuredFrom{}, err
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, MeasuredFrom{}, fmt.Errorf("BuildKit at %s: %w", addr, err)
	}
	defer conn.Close()
	m, from, err := measuredFrom(ctx, controlapi.NewControlClient(conn), dockerfileName)
	from.Addr = addr
	if err != nil {
		return nil, from, fmt.Errorf("BuildKit at %s: %w", addr, err)
	}
	return m, from, nil
}

// grpcTarget is the gRPC target of a BuildKit address: unix:// as it is,
// tcp://HOST:PORT as HOST:PORT.
func grpcTarget(addr string) (string, error) {
	switch {
	case strings.HasPrefix(addr, "unix://"):
		return addr, nil
	case strings.HasPrefix(addr, "tcp://"):
		return "dns:///" + strings.TrimPrefix(addr, "tcp://"), nil
	}
	return "", fmt.Errorf("--buildkit-addr %q: give unix:///PATH or tcp://HOST:PORT (TLS is not supported)", addr)
}

// measuredFrom reads the finished builds of the Dockerfile frontend whose
// Dockerfile has dockerfileName's base name, and gives each step the
// median of its durations.
func measuredFrom(ctx context.Context, api buildHistory, dockerfileName string) (cachehistory.Measured, MeasuredFrom, error) {
	refs, err := historyRefs(ctx, api, path.Base(dockerfileName))
	if err != nil {
		return nil, MeasuredFrom{}, err
	}
	runs := map[cachehistory.StepName][]float64{}
	for _, ref := range refs {
		if err := vertexDurations(ctx, api, ref, runs); err != nil {
			return nil, MeasuredFrom{}, fmt.Errorf("build %s: %w", ref, err)
		}
	}
	out := cachehistory.Measured{}
	for name, d := range runs {
		out[name] = cachehistory.Median(d)
	}
	return out, MeasuredFrom{Builds: len(refs), Steps: len(out)}, nil
}

// historyRefs are the refs of the finished builds of a Dockerfile named
// base (the frontend's "filename" option, "Dockerfile" when not given).
func historyRefs(ctx context.Context, api buildHistory, base string) ([]string, error) {
	stream, err := api.ListenBuildHistory(ctx, &controlapi.BuildHistoryRequest{EarlyExit: true})
	if err != nil {
		return nil, fmt.Errorf("reading the build history: %w", err)
	}
	var refs []string
	for {
		ev, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return refs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the build history: %w", err)
		}
		rec := ev.GetRecord()
		if rec == nil || rec.CompletedAt == nil || !dockerfileFrontend(rec.Frontend) {
			continue
		}
		name := rec.FrontendAttrs["filename"]
		if name == "" {
			name = "Dockerfile"
		}
		if path.Base(name) == base {
			refs = append(refs, rec.Ref)
		}
	}
}

// dockerfileFrontend: the build ran the Dockerfile frontend. buildctl's
// builds with --frontend dockerfile.v0 are recorded with no frontend name
// (BuildKit v0.34); the vertex names tell a Dockerfile's steps apart.
func dockerfileFrontend(name string) bool { return name == "" || name == "dockerfile.v0" }

// vertexDurations adds the duration of each step build ref ran to runs.
// Status sends a vertex again each time it changes: its last state counts.
func vertexDurations(ctx context.Context, api buildHistory, ref string, runs map[cachehistory.StepName][]float64) error {
	stream, err := api.Status(ctx, &controlapi.StatusRequest{Ref: ref})
	if err != nil {
		return err
	}
	last := map[string]*controlapi.Vertex{}
	for {
		st, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		for _, v := range st.Vertexes {
			last[v.Digest] = v
		}
	}
	for _, v := range last {
		name, ok := cachehistory.ParseVertexName(v.Name)
		if !ok || v.Cached || v.Error != "" || v.Started == nil || v.Completed == nil {
			continue
		}
		runs[name] = append(runs[name], v.Completed.AsTime().Sub(v.Started.AsTime()).Seconds())
	}
	return nil
}
