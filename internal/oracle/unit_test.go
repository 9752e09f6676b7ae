package oracle

// Tests that need no BuildKit: name parsing, instruction mapping, image name
// mapping and the archive readers. They always run, so the parts the oracle
// test depends on are checked even where the daemon is skipped.

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestParseVertexName(t *testing.T) {
	cases := []struct {
		in   string
		ok   bool
		want parsedVertexName
	}{
		{"[build 2/4] RUN make", true, parsedVertexName{"build", 2, "RUN make"}},
		{"[1/3] COPY . .", true, parsedVertexName{"", 1, "COPY . ."}},
		{"[stage-1 10/12] LINK COPY --link a /a", true, parsedVertexName{"stage-1", 10, "LINK COPY --link a /a"}},
		{"[linux/amd64 build 2/4] RUN x", true, parsedVertexName{"build", 2, "RUN x"}},
		{"[2/2] RUN <<EOF\necho hi\nEOF", true, parsedVertexName{"", 2, "RUN <<EOF\necho hi\nEOF"}},
		{"[internal] load .dockerignore", false, parsedVertexName{}},
		{"[context python:3.12-slim] OCI load from client", false, parsedVertexName{}},
		{"exporting to image", false, parsedVertexName{}},
	}
	for _, c := range cases {
		got, ok := parseVertexName(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("parseVertexName(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

const sampleDockerfile = `ARG BASE=debian:bookworm
FROM ${BASE} AS build
WORKDIR /
WORKDIR /src
COPY --link go.mod .
RUN <<EOF
echo one
EOF
FROM scratch
COPY --from=build /src /src
ADD x /x
`

func TestParseDockerfileSteps(t *testing.T) {
	df, err := ParseDockerfile([]byte(sampleDockerfile))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Stage   string
		Line    int
		EndLine int
		Keyword string
		Link    bool
	}
	var got []row
	for _, s := range df.Steps {
		got = append(got, row{s.Stage, s.Line, s.EndLine, s.Keyword, s.Link})
	}
	want := []row{
		{"build", 3, 3, "WORKDIR", false},
		{"build", 4, 4, "WORKDIR", false},
		{"build", 5, 5, "COPY", true},
		{"build", 6, 8, "RUN", false},
		{"stage-1", 10, 10, "COPY", false},
		{"stage-1", 11, 11, "ADD", false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("steps\n got %+v\nwant %+v", got, want)
	}

	locate := func(name string, fromCounted bool) int {
		t.Helper()
		pv, ok := parseVertexName(name)
		if !ok {
			t.Fatalf("unparsable %q", name)
		}
		s, err := df.locate(pv, func(int) bool { return fromCounted })
		if err != nil {
			t.Fatal(err)
		}
		if s == nil {
			return 0
		}
		return s.Line
	}
	// WORKDIR / makes no vertex, so index 1 is WORKDIR /src.
	if l := locate("[build 1/4] WORKDIR /src", false); l != 4 {
		t.Errorf("WORKDIR /src -> line %d", l)
	}
	// An unmapped external FROM takes index 1 itself.
	if l := locate("[build 3/5] RUN <<EOF", true); l != 6 {
		t.Errorf("heredoc RUN -> line %d", l)
	}
	if l := locate("[build 2/4] LINK COPY --link go.mod .", false); l != 5 {
		t.Errorf("LINK vertex -> line %d", l)
	}
	if l := locate("[build 1/5] FROM docker.io/library/debian:bookworm", true); l != 0 {
		t.Errorf("FROM vertex should not be a step, got line %d", l)
	}
	if l := locate("[stage-1 2/2] ADD x /x", false); l != 11 {
		t.Errorf("ADD -> line %d", l)
	}
	pv, _ := parseVertexName("[nosuch 1/1] RUN x")
	if _, err := df.locate(pv, nil); err == nil {
		t.Error("unknown stage mapped without error")
	}
}

func TestExternalImages(t *testing.T) {
	df, err := ParseDockerfile([]byte(`ARG TAG=3.19
ARG BASE=build
FROM docker.io/library/alpine:${TAG} AS build
FROM scratch AS empty
FROM ${BASE} AS again
COPY --from=nginx:latest /etc/nginx /etc/nginx
COPY --from=build /a /a
COPY --from=0 /b /b
RUN --mount=type=bind,from=ghcr.io/acme/tools:1,target=/t true
FROM python:3.12-slim
`))
	if err != nil {
		t.Fatal(err)
	}
	got := ExternalImages(df, nil)
	want := []string{"alpine:3.19", "ghcr.io/acme/tools:1", "nginx", "python:3.12-slim"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults: got %v want %v", got, want)
	}
	got = ExternalImages(df, map[string]string{"TAG": "3.20", "BASE": "redis:7"})
	want = []string{"alpine:3.20", "ghcr.io/acme/tools:1", "nginx", "python:3.12-slim", "redis:7"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("overrides: got %v want %v", got, want)
	}
}

func TestParseRawJSON(t *testing.T) {
	log := `time="x" level=warning msg="not json"
{"vertexes":[{"digest":"sha256:a","name":"[1/2] RUN a"}]}
{"vertexes":[{"digest":"sha256:a","name":"[1/2] RUN a","started":"2026-01-01T00:00:00Z"}]}
{"vertexes":[{"digest":"sha256:b","name":"[2/2] RUN b","cached":true,"started":"2026-01-01T00:00:00Z","completed":"2026-01-01T00:00:00Z"}]}
{"vertexes":[{"digest":"sha256:a","name":"[1/2] RUN a","started":"2026-01-01T00:00:00Z","completed":"2026-01-01T00:00:02Z"}]}
{"statuses":[{"id":"x","vertex":"sha256:a"}]}
`
	vs, err := parseRawJSON([]byte(log))
	if err != nil {
		t.Fatal(err)
	}
	want := []Vertex{
		{Digest: "sha256:a", Name: "[1/2] RUN a", Started: true, Completed: true, Duration: 2 * time.Second},
		{Digest: "sha256:b", Name: "[2/2] RUN b", Cached: true, Started: true, Completed: true},
	}
	if !reflect.DeepEqual(vs, want) {
		t.Fatalf("got %+v\nwant %+v", vs, want)
	}
}

func TestListFilesTar(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	write := func(h *tar.Header, body string) {
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	write(&tar.Header{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755}, "")
	write(&tar.Header{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755}, "")
	write(&tar.Header{Name: "bin/tool", Typeflag: tar.TypeReg, Mode: 0o4755, Uid: 1000, Gid: 10}, "hello")
	write(&tar.Header{Name: "bin/sh", Typeflag: tar.TypeSymlink, Linkname: "/bin/busybox", Mode: 0o777}, "")
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "fs.tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ListFiles(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("hello"))
	want := []FileEntry{
		{Path: "bin", Mode: fs.ModeDir | 0o755},
		{Path: "bin/sh", Mode: fs.ModeSymlink | 0o777, LinkTarget: "/bin/busybox"},
		{Path: "bin/tool", Mode: fs.ModeSetuid | 0o755, UID: 1000, GID: 10, Size: 5, SHA256: hex.EncodeToString(sum[:])},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestLayerCountTar(t *testing.T) {
	manifest, _ := json.Marshal(map[string]any{
		"config": map[string]any{"digest": "sha256:c"},
		"layers": []any{map[string]any{"digest": "sha256:l1"}, map[string]any{"digest": "sha256:l2"}},
	})
	att, _ := json.Marshal(map[string]any{"config": map[string]any{"digest": "sha256:c2"}, "layers": []any{}})
	mdg := sha256.Sum256(manifest)
	adg := sha256.Sum256(att)
	index, _ := json.Marshal(map[string]any{"manifests": []any{
		map[string]any{"digest": "sha256:" + hex.EncodeToString(adg[:]), "annotations": map[string]string{"vnd.docker.reference.type": "attestation-manifest"}},
		map[string]any{"digest": "sha256:" + hex.EncodeToString(mdg[:])},
	}})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range map[string][]byte{
		"index.json": index,
		"blobs/sha256/" + hex.EncodeToString(mdg[:]): manifest,
		"blobs/sha256/" + hex.EncodeToString(adg[:]): att,
	} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	p := filepath.Join(t.TempDir(), "img.oci")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := LayerCount(p)
	if err != nil || n != 2 {
		t.Fatalf("LayerCount = %d, %v; want 2", n, err)
	}
}

// TestLoadScenarios checks the committed fixtures are well-formed without a
// daemon: every scenario has an observation whose ran lines match the
// author's expectRan, and every expected line is a real step.
func TestLoadScenarios(t *testing.T) {
	scs, err := LoadScenarios(defaultScenarioDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(scs) < minScenarios {
		t.Fatalf("%d scenarios, want >= %d", len(scs), minScenarios)
	}
	for _, sc := range scs {
		if sc.Description == "" {
			t.Errorf("%s: no description", sc.Name)
		}
		obs, err := sc.LoadObservation()
		if err != nil {
			t.Errorf("%s: %v", sc.Name, err)
			continue
		}
		if got := obs.RanLines(); !slices.Equal(got, sc.ExpectRan) {
			t.Errorf("%s: observed.json ran %v, expectRan %v", sc.Name, got, sc.ExpectRan)
		}
		dt, err := os.ReadFile(filepath.Join(sc.Dir, sc.Dockerfile))
		if err != nil {
			t.Fatal(err)
		}
		df, err := ParseDockerfile(dt)
		if err != nil {
			t.Errorf("%s: %v", sc.Name, err)
			continue
		}
		if len(sc.Change.DockerfileEdits) == 0 && len(df.Steps) != len(obs.Steps) {
			t.Errorf("%s: Dockerfile has %d steps, observed.json %d", sc.Name, len(df.Steps), len(obs.Steps))
		}
	}
}
