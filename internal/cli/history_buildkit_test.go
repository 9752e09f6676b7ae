package cli

import (
	"context"
	"io"
	"testing"
	"time"

	controlapi "github.com/moby/buildkit/api/services/control"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/dockerfile-ls/dockerfile-ls/cachehistory"
)

// fakeHistory is a daemon's build history: records, and each build's
// status as Status replays it.
type fakeHistory struct {
	records []*controlapi.BuildHistoryRecord
	status  map[string][]*controlapi.StatusResponse
}

type fakeStream[T any] struct {
	grpc.ClientStream
	items []*T
}

func (f *fakeStream[T]) Recv() (*T, error) {
	if len(f.items) == 0 {
		return nil, io.EOF
	}
	it := f.items[0]
	f.items = f.items[1:]
	return it, nil
}

func (f *fakeHistory) ListenBuildHistory(context.Context, *controlapi.BuildHistoryRequest, ...grpc.CallOption) (grpc.ServerStreamingClient[controlapi.BuildHistoryEvent], error) {
	s := &fakeStream[controlapi.BuildHistoryEvent]{}
	for _, r := range f.records {
		s.items = append(s.items, &controlapi.BuildHistoryEvent{Record: r})
	}
	return s, nil
}

func (f *fakeHistory) Status(_ context.Context, in *controlapi.StatusRequest, _ ...grpc.CallOption) (grpc.ServerStreamingClient[controlapi.StatusResponse], error) {
	return &fakeStream[controlapi.StatusResponse]{items: f.status[in.Ref]}, nil
}

// vertex is a vertex that ran for secs (cached: it did not).
func vertex(digest, name string, secs int, cached bool) *controlapi.Vertex {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &controlapi.Vertex{Digest: digest, Name: name, Cached: cached,
		Started: timestamppb.New(start), Completed: timestamppb.New(start.Add(time.Duration(secs) * time.Second))}
}

// TestMeasuredFrom: each step takes the median of its runs in the builds
// of a Dockerfile of that name; cached, failed and unfinished runs, other
// Dockerfiles' builds, builds still running and vertices that are not
// steps count for nothing; a vertex sent twice counts once, as last sent.
func TestMeasuredFrom(t *testing.T) {
	done := timestamppb.Now()
	api := &fakeHistory{
		records: []*controlapi.BuildHistoryRecord{
			{Ref: "a", CompletedAt: done}, // buildctl's, with no frontend name
			{Ref: "b", Frontend: "dockerfile.v0", FrontendAttrs: map[string]string{"filename": "app/Dockerfile"}, CompletedAt: done},
			{Ref: "c", Frontend: "dockerfile.v0", FrontendAttrs: map[string]string{"filename": "Dockerfile.dev"}, CompletedAt: done},
			{Ref: "d", Frontend: "dockerfile.v0"}, // running
			{Ref: "e", Frontend: "gateway.v0", CompletedAt: done},
		},
		status: map[string][]*controlapi.StatusResponse{
			"a": {{Vertexes: []*controlapi.Vertex{{Digest: "1", Name: "[deps 2/3] RUN npm ci"}}},
				{Vertexes: []*controlapi.Vertex{vertex("1", "[deps 2/3] RUN npm ci", 40, false), vertex("2", "[internal] load build context", 5, false)}}},
			"b": {{Vertexes: []*controlapi.Vertex{vertex("1", "[deps 2/3] RUN npm ci", 60, false), vertex("3", "[deps 1/3] COPY package.json ./", 1, true)}}},
			"c": {{Vertexes: []*controlapi.Vertex{vertex("1", "[deps 2/3] RUN npm ci", 900, false)}}},
			"d": {{Vertexes: []*controlapi.Vertex{vertex("1", "[deps 2/3] RUN npm ci", 900, false)}}},
			"e": {{Vertexes: []*controlapi.Vertex{vertex("1", "[deps 2/3] RUN npm ci", 900, false)}}},
		},
	}
	m, from, err := measuredFrom(context.Background(), api, "/src/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	want := cachehistory.Measured{{Stage: "deps", Text: "RUN npm ci"}: 50}
	if len(m) != len(want) || m[cachehistory.StepName{Stage: "deps", Text: "RUN npm ci"}] != 50 || from.Builds != 2 || from.Steps != 1 {
		t.Errorf("got %v from %+v; want %v from 2 builds", m, from, want)
	}
}

func TestGRPCTarget(t *testing.T) {
	for addr, want := range map[string]string{
		"unix:///run/buildkit/buildkitd.sock": "unix:///run/buildkit/buildkitd.sock",
		"tcp://127.0.0.1:1234":                "dns:///127.0.0.1:1234",
		"docker-container://buildx":           "",
	} {
		got, err := grpcTarget(addr)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("grpcTarget(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}
