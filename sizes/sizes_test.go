package sizes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

func TestTable(t *testing.T) {
	tab := loadTable()
	seen := map[string]bool{}
	for _, e := range tab.Images {
		if seen[e.Repo] {
			t.Errorf("%s listed twice", e.Repo)
		}
		seen[e.Repo] = true
		if len(e.Variants) == 0 {
			t.Errorf("%s has no figures", e.Repo)
		}
		for _, f := range e.Variants {
			if f.MB <= 0 || f.Tag == "" || f.AsOf == "" || tab.Sources[f.Source] == "" {
				t.Errorf("%s %s: a figure needs mb, tag, asOf and a known source: %+v", e.Repo, f.Variant, f)
			}
			for _, set := range f.Sets {
				if len(tab.PackageSets[set]) == 0 {
					t.Errorf("%s %s: unknown package set %q", e.Repo, f.Variant, set)
				}
			}
			if got := parseTag(f.Tag, e.LatestAs).variant; got != f.Variant && !contains(f.Aliases, got) {
				t.Errorf("%s: tag %q reads as variant %q, listed as %q", e.Repo, f.Tag, got, f.Variant)
			}
		}
		for from, ss := range e.Slimmer {
			if _, ok := e.variant(from); !ok {
				t.Errorf("%s: slimmer from unknown variant %q", e.Repo, from)
			}
			for _, s := range ss {
				if _, ok := e.variant(s.Variant); !ok {
					t.Errorf("%s: slimmer to unknown variant %q", e.Repo, s.Variant)
				}
			}
		}
		for _, s := range e.Ship {
			s = strings.ReplaceAll(s, "{java}", "21")
			if !Scratch(s) && Base(s).Figure.MB == 0 {
				t.Errorf("%s: ship image %s has no figure", e.Repo, s)
			}
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestBase(t *testing.T) {
	cases := []struct {
		ref       string
		variant   string
		mb        float64
		toolchain bool
		slimmer   []string
	}{
		{"python:3.12", "full", 380, false, []string{"python:3.12-slim", "python:3.12-alpine"}},
		{"python", "full", 380, false, []string{"python:slim", "python:alpine"}},
		{"python:3.11-bookworm", "full", 380, false, []string{"python:3.11-slim-bookworm", "python:3.11-alpine"}},
		{"docker.io/library/python:3.12-slim@sha256:abc", "slim", 45, false, nil},
		{"node:20-bookworm", "full", 390, false, []string{"node:20-bookworm-slim", "node:20-alpine"}},
		{"node:20-alpine3.19", "alpine", 45, false, nil},
		{"golang:1.22-alpine3.19", "alpine", 80, true, nil},
		{"golang:1.22", "full", 290, true, nil},
		{"debian:bookworm", "full", 49, false, []string{"debian:bookworm-slim"}},
		{"debian", "full", 49, false, []string{"debian:stable-slim"}},
		{"debian:12", "full", 49, false, []string{"debian:12-slim"}},
		{"eclipse-temurin:21-jdk-jammy", "full", 190, false, []string{"eclipse-temurin:21-jre-jammy"}},
		{"maven:3.9-eclipse-temurin-21", "full", 280, true, nil},
		{"buildpack-deps:bookworm-curl", "curl", 60, false, nil},
		{"buildpack-deps:bookworm", "full", 330, true, nil},
		{"php:8.3-fpm", "fpm", 175, false, []string{"php:8.3-fpm-alpine"}},
		// Variants never published for old versions are not suggested.
		{"ruby:2.2.3", "full", 350, false, []string{"ruby:2.2.3-slim"}},
		{"node:0.10", "full", 390, false, []string{"node:0.10-slim"}},
		{"python:2.7", "full", 380, false, []string{"python:2.7-slim"}},
		{"ruby:2.3", "full", 350, false, []string{"ruby:2.3-slim", "ruby:2.3-alpine"}},
		{"registry.example.com/python:3.12", "", 0, false, nil},
		{"python:3.12-windowsservercore", "", 0, false, nil},
		// Not references BuildKit could pull: nothing to say about them.
		{"deBiAn", "", 0, false, nil},
		{"debian ", "", 0, false, nil},
		{"python:3.12 slim", "", 0, false, nil},
	}
	for _, c := range cases {
		b := Base(c.ref)
		var slim []string
		for _, s := range b.Slimmer {
			slim = append(slim, s.Ref)
		}
		if b.Figure.Variant != c.variant || b.Figure.MB != c.mb || b.Toolchain != c.toolchain || strings.Join(slim, ",") != strings.Join(c.slimmer, ",") {
			t.Errorf("Base(%q) = variant %q, %v MB, toolchain %v, slimmer %v; want %q, %v, %v, %v",
				c.ref, b.Figure.Variant, b.Figure.MB, b.Toolchain, slim, c.variant, c.mb, c.toolchain, c.slimmer)
		}
	}
}

// TestBasePackages: what a variant already contains and whether its own
// CMD serves, for the rules that must not advise moving what the base has.
func TestBasePackages(t *testing.T) {
	cases := []struct {
		ref      string
		pkg      string
		has, srv bool
	}{
		{"ruby:2.3.3", "libpq-dev", true, false},
		{"node:8-stretch", "build-essential", true, false},
		{"python:3.12-slim", "gcc", false, false},
		{"golang:1.22", "gcc", true, false},
		{"golang:1.22", "libpq-dev", false, false},
		{"php:apache", "gcc", true, true},
		{"php:8.3-fpm-alpine", "gcc", false, true},
		{"nginx:1.25", "gcc", false, true},
		{"ubuntu:22.04", "gcc", false, false},
	}
	for _, c := range cases {
		b := Base(c.ref)
		if b.Packages[c.pkg] != c.has || b.Service != c.srv {
			t.Errorf("Base(%q): has %s %v, service %v; want %v, %v", c.ref, c.pkg, b.Packages[c.pkg], b.Service, c.has, c.srv)
		}
	}
}

// TestShipJava: a Java build image is shipped on a JRE of its own Java
// version, never on another one.
func TestShipJava(t *testing.T) {
	cases := map[string]string{
		"maven:3.5-jdk-8":              "eclipse-temurin:8-jre",
		"maven:3.9-eclipse-temurin-21": "eclipse-temurin:21-jre",
		"gradle:8-jdk17":               "eclipse-temurin:17-jre",
		"maven:3":                      "eclipse-temurin:<java version>-jre",
	}
	for ref, want := range cases {
		if b := Base(ref); len(b.Ship) != 1 || b.Ship[0].Ref != want {
			t.Errorf("Base(%q).Ship = %+v, want %s", ref, b.Ship, want)
		}
	}
}

func TestFormat(t *testing.T) {
	cases := map[int64]string{0: "0 B", 999: "999 B", 1000: "1.00 kB", 1234: "1.23 kB", 12345: "12.3 kB", 123456: "123 kB",
		999_999: "1.00 MB", 84_100_000: "84.1 MB", 1_500_000_000: "1.50 GB"}
	for n, want := range cases {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Count(1932); got != "1,932" {
		t.Errorf("Count = %q", got)
	}
	if got := Count(1234567); got != "1,234,567" {
		t.Errorf("Count = %q", got)
	}
	if got := Approx(84_100_000, 1932); got != "≈ 84.1 MB, 1,932 files" {
		t.Errorf("Approx = %q", got)
	}
	if got := Approx(12, 1); got != "12 B, 1 file" {
		t.Errorf("Approx = %q", got)
	}
}

// writeFile creates a file of exactly n bytes.
func writeFile(t *testing.T, root, rel string, n int) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHintsOnGeneratedContext builds a context of known sizes and checks
// the exact bytes and file counts in the labels and tooltips.
func TestHintsOnGeneratedContext(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "app/a.txt", 1500)
	writeFile(t, root, "app/b.txt", 2500)
	writeFile(t, root, "app/sub/c.bin", 6000)
	writeFile(t, root, "node_modules/left-pad/index.js", 2_000_000)
	writeFile(t, root, "debug.log", 5000) // ignored
	dockerfileText := "FROM python:3.12-slim\n" +
		"COPY app/ /app/\n" +
		"RUN pip install --no-cache-dir flask gunicorn\n" +
		"ADD https://example.com/y.tgz /tmp/\n" +
		"COPY <<EOF /etc/motd\nhello\nEOF\n" +
		"COPY . /src\n" +
		"RUN echo done\n"
	if err := os.WriteFile(filepath.Join(root, "Dockerfile"), []byte(dockerfileText), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".dockerignore"), []byte("*.log\nDockerfile\n.dockerignore\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bctx, err := buildcontext.Load(context.Background(), root, "Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	doc := dockerfile.Parse([]byte(dockerfileText))
	got := map[int][]Hint{}
	for _, h := range HintsFor(noArgs(doc), bctx) {
		line := h.Inst.Line
		got[line] = append(got[line], h)
		if h.Offset < h.Inst.Span.Start || h.Offset > h.Inst.Span.End {
			t.Errorf("line %d: hint offset %d outside the instruction %v", line+1, h.Offset, h.Inst.Span)
		}
	}
	want := map[int][]string{
		0: {"≈ 45 MB compressed", "context: sends ≈ 2.01 MB, 4 files"},
		1: {"≈ 10.0 kB, 3 files"},
		2: {"installs pip: flask, gunicorn · unknown size"},
		3: {"download, unknown size"},
		4: {"6 B (heredoc)"},
		7: {"≈ 2.01 MB, 4 files", "node_modules/ 2.00 MB not in .dockerignore"},
		8: {"unknown size"},
	}
	for line, labels := range want {
		var have []string
		for _, h := range got[line] {
			have = append(have, h.Label)
		}
		if strings.Join(have, " | ") != strings.Join(labels, " | ") {
			t.Errorf("line %d: labels %q, want %q", line+1, have, labels)
		}
	}
	if len(got[1]) == 1 && !strings.Contains(got[1][0].Tooltip, "10,000 bytes in 3 files") {
		t.Errorf("COPY app/ tooltip lacks the exact size: %s", got[1][0].Tooltip)
	}
	if len(got[0]) == 2 && !strings.Contains(got[0][1].Tooltip, "2,010,000 bytes in 4 files") {
		t.Errorf("context tooltip lacks the exact size: %s", got[0][1].Tooltip)
	}
	hover := CopyHoverFor(noArgs(doc), doc.Instructions[5], bctx) // COPY . /src
	for _, s := range []string{"2,010,000 bytes", "| `node_modules/` | 2.00 MB | 1 |", "| `app/` | 10.0 kB | 3 |"} {
		if !strings.Contains(hover, s) {
			t.Errorf("hover lacks %q:\n%s", s, hover)
		}
	}
	if CopyHoverFor(noArgs(doc), doc.Instructions[0], bctx) != "" || CopyHoverFor(noArgs(doc), doc.Instructions[5], nil) != "" {
		t.Error("hover on a FROM or without a context must be empty")
	}
}

func TestHintsWithoutContext(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM golang:1.21 AS build\nCOPY . .\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nFROM mycorp/base\n"))
	var labels []string
	for _, h := range HintsFor(noArgs(doc), nil) {
		labels = append(labels, h.Label)
	}
	want := "≈ 290 MB compressed (as golang:1.22) | unknown size | 0 B (scratch)"
	if strings.Join(labels, " | ") != want {
		t.Errorf("labels %q, want %q", strings.Join(labels, " | "), want)
	}
}

// TestHintsCorpus: every real-world Dockerfile of the corpus gets its
// hints without a panic, each inside its instruction, none empty.
func TestHintsCorpus(t *testing.T) {
	for _, f := range testgen.CorpusFiles(t) {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := dockerfile.Parse(text)
		for _, h := range HintsFor(noArgs(doc), nil) {
			if h.Offset < h.Inst.Span.Start || h.Offset > h.Inst.Span.End || h.Offset > len(text) || h.Label == "" {
				t.Errorf("%s:%d: bad hint %+v", f, h.Inst.Line+1, h)
			}
		}
	}
}

// noArgs is doc's build state for a build without build args.
func noArgs(doc *dockerfile.Document) *dockerfile.BuildState {
	return doc.State(dockerfile.Options{})
}
