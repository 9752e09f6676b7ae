package buildkitcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// finding is a check reduced to what the tests compare: rule and 1-based line.
type finding struct {
	Rule string
	Line int
}

func findings(text []byte, checks []Check) []finding {
	lines := textpos.NewLines(text)
	var out []finding
	for _, c := range checks {
		out = append(out, finding{c.Rule, lines.LineOf(c.Start) + 1})
	}
	return out
}

func run(t *testing.T, text string, opts Options) Result {
	t.Helper()
	res := Run(context.Background(), []byte(text), opts)
	for _, c := range res.Checks {
		if c.Start < 0 || c.Start > c.End || c.End > len(text) {
			t.Fatalf("%s: bad range %d-%d in a %d-byte text", c.Rule, c.Start, c.End, len(text))
		}
	}
	return res
}

// TestRules runs testdata/rules/<Rule>.Dockerfile, each written to trigger
// that rule (and nothing else, unless listed) at a known line.
func TestRules(t *testing.T) {
	tests := []struct {
		rule string
		opts Options
		want []finding
	}{
		{rule: "StageNameCasing", want: []finding{{"StageNameCasing", 1}}},
		{rule: "FromAsCasing", want: []finding{{"FromAsCasing", 1}}},
		// BuildKit puts it on the line after the empty one.
		{rule: "NoEmptyContinuation", want: []finding{{"NoEmptyContinuation", 4}}},
		{rule: "ConsistentInstructionCasing", want: []finding{{"ConsistentInstructionCasing", 3}}},
		{rule: "DuplicateStageName", want: []finding{{"DuplicateStageName", 4}}},
		{rule: "ReservedStageName", want: []finding{{"ReservedStageName", 1}}},
		{rule: "JSONArgsRecommended", want: []finding{{"JSONArgsRecommended", 2}}},
		{rule: "MaintainerDeprecated", want: []finding{{"MaintainerDeprecated", 2}}},
		{rule: "UndefinedArgInFrom", want: []finding{{"UndefinedArgInFrom", 2}}},
		{rule: "WorkdirRelativePath", want: []finding{{"WorkdirRelativePath", 2}}},
		{rule: "UndefinedVar", want: []finding{{"UndefinedVar", 2}}},
		// On the CMD that the later one overrides.
		{rule: "MultipleInstructionsDisallowed", want: []finding{{"MultipleInstructionsDisallowed", 2}}},
		{rule: "LegacyKeyValueFormat", want: []finding{{"LegacyKeyValueFormat", 2}}},
		{rule: "RedundantTargetPlatform", want: []finding{{"RedundantTargetPlatform", 1}}},
		{rule: "SecretsUsedInArgOrEnv", want: []finding{{"SecretsUsedInArgOrEnv", 2}}},
		// The default is empty; the build arg makes the build itself valid.
		{rule: "InvalidDefaultArgInFrom", opts: Options{BuildArgs: map[string]string{"TAG": "3.19"}},
			want: []finding{{"InvalidDefaultArgInFrom", 2}}},
		{rule: "FromPlatformFlagConstDisallowed", want: []finding{{"FromPlatformFlagConstDisallowed", 1}}},
		{rule: "CopyIgnoredFile", opts: Options{IgnorePatterns: []string{"*.txt"}},
			want: []finding{{"CopyIgnoredFile", 2}}},
		{rule: "ExposeProtoCasing", want: []finding{{"ExposeProtoCasing", 2}}},
		{rule: "ExposeInvalidFormat", want: []finding{{"ExposeInvalidFormat", 2}}},
		{rule: "InvalidDefinitionDescription", want: []finding{{"InvalidDefinitionDescription", 2}}},
	}
	covered := map[string]bool{"InvalidBaseImagePlatform": true} // cannot happen offline, see TestNoInvalidBaseImagePlatform
	listed := map[string]RuleInfo{}
	for _, r := range Rules() {
		listed[r.Name] = r
	}
	for _, tt := range tests {
		covered[tt.rule] = true
		t.Run(tt.rule, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join("testdata", "rules", tt.rule+".Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			res := run(t, string(text), tt.opts)
			if res.ParseError != nil {
				t.Fatalf("parse error: %+v", res.ParseError)
			}
			if got := findings(text, res.Checks); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for _, c := range res.Checks {
				if c.Message == "" || c.Description == "" || c.URL == "" || c.Error {
					t.Errorf("incomplete check %+v", c)
				}
				if r := listed[c.Rule]; r.Description != c.Description || r.URL != c.URL {
					t.Errorf("%s: BuildKit reports description %q and URL %q, which the generated list does not hold", c.Rule, c.Description, c.URL)
				}
				if c.Experimental != (c.Rule == "InvalidDefinitionDescription") {
					t.Errorf("%s: Experimental = %v", c.Rule, c.Experimental)
				}
			}
		})
	}
	for _, r := range Rules() {
		if !covered[r.Name] {
			t.Errorf("rule %s has no test", r.Name)
		}
	}
}

func TestRangeCoversInstruction(t *testing.T) {
	text := "FROM alpine:3.19\n  MAINTAINER me \\\n    and you\n"
	res := run(t, text, Options{})
	if len(res.Checks) != 1 {
		t.Fatalf("got %+v", res.Checks)
	}
	if got := text[res.Checks[0].Start:res.Checks[0].End]; got != "MAINTAINER me \\\n    and you" {
		t.Errorf("range covers %q", got)
	}
}

// TestUndefinedVar checks that offline ignorance of base images' ENV does not
// become findings, while what is known still is.
func TestUndefinedVar(t *testing.T) {
	tests := []struct {
		name, text string
		want       []finding
	}{
		{"known image defines it", "FROM golang:1.22\nENV X=$GOLANG_VERSION\n", nil},
		{"known image via docker.io", "FROM docker.io/library/golang:1.22-alpine\nWORKDIR $GOPATH/src\n", nil},
		{"unknown image", "FROM mycorp/base\nENV X=$FOO\n", nil},
		{"scratch", "FROM scratch\nENV X=$FOO\n", []finding{{"UndefinedVar", 2}}},
		{"known image lacks it", "FROM alpine:3.19\nENV X=$GOLANG_VERSION\n", []finding{{"UndefinedVar", 2}}},
		{"stage chain to unknown image", "FROM mycorp/base AS a\nFROM a\nENV X=$FOO\n", nil},
		{"stage chain to scratch", "FROM scratch AS a\nENV A=1\nFROM a\nENV X=$A$FOO\n", []finding{{"UndefinedVar", 4}}},
		{"only the unknown stage is spared", "FROM mycorp/base\nENV X=$FOO\nFROM scratch\nENV Y=$BAR\n",
			[]finding{{"UndefinedVar", 4}}},
		{"base name from ARG", "ARG IMG=mycorp/base\nFROM $IMG\nENV X=$FOO\n", nil},
		{"base name from ARG, known", "ARG V=1.22\nFROM golang:$V\nENV X=$FOO\n", []finding{{"UndefinedVar", 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.text, Options{})
			if res.ParseError != nil {
				t.Fatalf("parse error: %+v", res.ParseError)
			}
			if got := findings([]byte(tt.text), res.Checks); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNoInvalidBaseImagePlatform(t *testing.T) {
	text := `ARG GO=1.22
FROM --platform=$BUILDPLATFORM golang:${GO} AS build
FROM --platform=linux/arm64 alpine:3.19 AS arm
FROM --platform=windows/amd64 mcr.microsoft.com/windows/nanoserver:ltsc2022 AS win
FROM mycorp/base
COPY --from=build /go /go
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
`
	for _, c := range run(t, text, Options{}).Checks {
		if c.Rule == "InvalidBaseImagePlatform" {
			t.Errorf("unexpected %+v", c)
		}
	}
}

func TestCheckDirective(t *testing.T) {
	const body = "FROM alpine:3.19 as base\nMAINTAINER me\n# the final stage\nFROM base AS final\nCMD echo hi\n"
	tests := []struct {
		name, header string
		want         []string // rules, in order
		error        bool
	}{
		{"none", "", []string{"FromAsCasing", "MaintainerDeprecated", "InvalidDefinitionDescription", "JSONArgsRecommended"}, false},
		{"skip all", "# check=skip=all\n", nil, false},
		{"skip some", "# check=skip=MaintainerDeprecated,InvalidDefinitionDescription\n", []string{"FromAsCasing", "JSONArgsRecommended"}, false},
		{"error", "# check=error=true\n", []string{"FromAsCasing", "MaintainerDeprecated", "InvalidDefinitionDescription", "JSONArgsRecommended"}, true},
		{"docker syntax", "# syntax=docker/dockerfile:1\n", []string{"FromAsCasing", "MaintainerDeprecated", "InvalidDefinitionDescription", "JSONArgsRecommended"}, false},
		{"upstream syntax", "# syntax=docker.io/docker/dockerfile-upstream:master\n# check=skip=JSONArgsRecommended;error=true\n",
			[]string{"FromAsCasing", "MaintainerDeprecated", "InvalidDefinitionDescription"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.header+body, Options{})
			if res.ParseError != nil || res.Skipped != "" {
				t.Fatalf("got %+v", res)
			}
			var got []string
			for _, c := range res.Checks {
				got = append(got, c.Rule)
				if c.Error != tt.error {
					t.Errorf("%s: Error = %v", c.Rule, c.Error)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCustomSyntaxSkips(t *testing.T) {
	res := run(t, "# syntax=example.com/custom:1\nFROM alpine as x\nMAINTAINER me\n", Options{})
	if len(res.Checks) != 0 || res.ParseError != nil || !strings.Contains(res.Skipped, "example.com/custom:1") {
		t.Errorf("got %+v", res)
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		name, text, want string // want is the text the range covers
		contains         string
	}{
		{"unknown instruction", "FROM alpine:3.19\nRUN true\n  FOO bar\n", "FOO bar", "unknown instruction"},
		{"unknown flag", "FROM alpine:3.19\nCOPY --bogus=1 a b\n", "COPY --bogus=1 a b", "unknown flag"},
		{"bad FROM", "\n\nFROM\nRUN x\n", "FROM", "FROM requires"},
		{"unterminated heredoc", "FROM alpine\nRUN <<EOF\necho\n", "RUN <<EOF\necho", "heredoc"},
		{"bad check directive", "# check=foo=bar\nFROM alpine\n", "# check=foo=bar", "check option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pe := run(t, tt.text, Options{}).ParseError
			if pe == nil {
				t.Fatal("no parse error")
			}
			if got := tt.text[pe.Start:pe.End]; got != tt.want || !strings.Contains(pe.Message, tt.contains) {
				t.Errorf("got %q at %q, want %q at %q", pe.Message, got, tt.contains, tt.want)
			}
		})
	}
}

func TestPanicBecomesError(t *testing.T) {
	// A nil context makes BuildKit panic (context.WithCancel(nil)).
	res := Run(nil, []byte("FROM alpine\n"), Options{}) //nolint:staticcheck
	if res.ParseError == nil || !strings.Contains(res.ParseError.Message, "internal error") {
		t.Errorf("got %+v", res)
	}
}

func TestEmpty(t *testing.T) {
	if res := run(t, " \n\n", Options{}); len(res.Checks) != 0 || res.ParseError != nil {
		t.Errorf("got %+v", res)
	}
}

// TestFast is also the offline test: a resolver that went to a registry
// would not answer ten base images in well under a second.
func TestFast(t *testing.T) {
	text := genDockerfile(10, 200)
	start := time.Now()
	res := Run(context.Background(), text, Options{})
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %v", d)
	}
	if res.ParseError != nil {
		t.Fatalf("parse error: %+v", res.ParseError)
	}
}

// TestRulesList checks what the generated list holds; that it is complete
// and current is TestGeneratedRulesCurrent's job.
func TestRulesList(t *testing.T) {
	names := map[string]bool{}
	for _, r := range Rules() {
		if r.Name == "" || r.Description == "" || names[r.Name] {
			t.Errorf("bad rule %+v", r)
		}
		names[r.Name] = true
		if r.URL == "" && r.Name != "InvalidBaseImagePlatform" { // BuildKit gives it no URL
			t.Errorf("%s has no URL", r.Name)
		}
	}
}

func TestImageEnvTable(t *testing.T) {
	var f struct {
		Source, Date string
		Images       map[string]map[string]string
	}
	if err := json.Unmarshal(imageEnvJSON, &f); err != nil {
		t.Fatal(err)
	}
	if f.Source == "" || f.Date == "" || len(f.Images) < 10 {
		t.Errorf("table lacks source, date or images")
	}
	for name, env := range f.Images {
		if _, ok := env["PATH"]; !ok {
			t.Errorf("%s: no PATH", name)
		}
	}
	if env, ok := knownEnv("golang:1.22"); !ok || !slices.Contains(env, "GOPATH=/go") {
		t.Errorf("golang env = %v", env)
	}
}

// TestCorpus runs every real-world Dockerfile: no panic, sane ranges, and a
// ParseError whenever BuildKit's parser rejects the file.
func TestCorpus(t *testing.T) {
	files := testgen.CorpusFiles(t)
	start := time.Now()
	var nChecks, nErrors int
	for _, path := range files {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		res := Run(context.Background(), text, Options{})
		if res.ParseError != nil {
			nErrors++
			if strings.Contains(res.ParseError.Message, "internal error") {
				t.Errorf("%s: %s", path, res.ParseError.Message)
			}
			if pe := res.ParseError; pe.Start < 0 || pe.Start > pe.End || pe.End > len(text) {
				t.Errorf("%s: bad error range %+v", path, pe)
			}
		} else if res.Skipped == "" && len(bytes.TrimSpace(text)) > 0 && !parses(text) {
			t.Errorf("%s: the parser rejects it, but no ParseError", path)
		}
		for _, c := range res.Checks {
			nChecks++
			if c.Start < 0 || c.Start > c.End || c.End > len(text) {
				t.Errorf("%s: %s: bad range %d-%d", path, c.Rule, c.Start, c.End)
			}
		}
	}
	t.Logf("%d files, %d checks, %d errors, %v", len(files), nChecks, nErrors, time.Since(start))
}

func parses(text []byte) bool {
	ast, err := parser.Parse(bytes.NewReader(text))
	if err != nil {
		return false
	}
	_, _, err = instructions.Parse(ast.AST, nil)
	return err == nil
}

func BenchmarkRun(b *testing.B) {
	text := genDockerfile(110, 2000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if res := Run(context.Background(), text, Options{}); res.ParseError != nil {
			b.Fatal(res.ParseError)
		}
	}
}

// genDockerfile writes a Dockerfile of about nLines lines in nStages stages
// that chain through each other and a few official images.
func genDockerfile(nStages, nLines int) []byte {
	var buf bytes.Buffer
	buf.WriteString("# syntax=docker/dockerfile:1\nARG GO_VERSION=1.22\n")
	body := []string{
		"ENV APP_HOME=/app PATH=$PATH:/app/bin",
		"WORKDIR $APP_HOME",
		"COPY go.mod go.sum ./",
		"RUN --mount=type=cache,target=/root/.cache go mod download",
		"ARG VERSION=dev",
		"LABEL org.opencontainers.image.version=$VERSION",
		"COPY . .",
		"RUN go build -o /out/app ./cmd/app",
		"EXPOSE 8080/tcp",
		"USER 1000:1000",
		"ENV GOFLAGS=-mod=mod",
		"RUN echo building $VERSION",
		"HEALTHCHECK CMD [\"/out/app\", \"health\"]",
		"ADD --chmod=644 config.yaml /etc/app/",
		"VOLUME /data",
		"SHELL [\"/bin/sh\", \"-c\"]",
	}
	perStage := max(2, (nLines-2)/nStages)
	for i := range nStages {
		switch {
		case i == 0:
			buf.WriteString("FROM golang:${GO_VERSION} AS s0\n")
		case i%10 == 0:
			fmt.Fprintf(&buf, "FROM alpine:3.19 AS s%d\n", i)
		default:
			fmt.Fprintf(&buf, "FROM s%d AS s%d\n", i-1, i)
		}
		for j := range perStage - 2 {
			buf.WriteString(body[j%len(body)] + "\n")
		}
		fmt.Fprintf(&buf, "CMD [\"/out/app\", \"%d\"]\n", i)
	}
	return buf.Bytes()
}

// SOURCE_DATE_EPOCH=context makes BuildKit ask the gateway for the context's
// metadata; offline that must neither fail nor touch the caller's map.
func TestSourceDateEpochContext(t *testing.T) {
	args := map[string]string{"SOURCE_DATE_EPOCH": "context"}
	res := run(t, "FROM alpine:3.19\nMAINTAINER me\n", Options{BuildArgs: args})
	if res.ParseError != nil || len(res.Checks) != 1 || args["SOURCE_DATE_EPOCH"] != "context" {
		t.Errorf("got %+v, args %v", res, args)
	}
}

// TestOfflineSources: SSH git sources would make BuildKit connect to the
// host; they are rewritten, on their own line, before the conversion.
func TestOfflineSources(t *testing.T) {
	in := "FROM alpine\nADD git@github.com:moby/buildkit.git /src\nADD ssh://git@example.com/x.git /x\nRUN echo git@keep\n"
	want := "FROM alpine\nADD https://github.com/moby/buildkit.git /src\nADD https://git@example.com/x.git /x\nRUN echo git@keep\n"
	if got := string(offlineSources([]byte(in))); got != want {
		t.Errorf("got %q", got)
	}
}
