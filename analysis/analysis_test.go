package analysis

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// text has findings of both phases: ConsistentInstructionCasing (BuildKit's)
// on line 3, StalePackageIndex (ours, cache) on line 2 and
// NoInstallRecommends (ours, size) on line 3.
const text = "FROM debian:12\nRUN apt-get update\nrun apt-get install -y curl\nRUN echo ok\n"

func run(t *testing.T, s config.Settings, text string) []diagnostics.Finding {
	t.Helper()
	r, err := Run(t.Context(), Input{Doc: dockerfile.Parse([]byte(text)), Settings: s})
	if err != nil || len(r.Errors) > 0 {
		t.Fatalf("Run: %v %v", err, r.Errors)
	}
	return r.Findings
}

func rules(fs []diagnostics.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func find(fs []diagnostics.Finding, rule string) (diagnostics.Finding, bool) {
	i := slices.IndexFunc(fs, func(f diagnostics.Finding) bool { return f.Rule == rule })
	if i < 0 {
		return diagnostics.Finding{}, false
	}
	return fs[i], true
}

// TestRunHasBothPhasesSorted: the report holds our findings and BuildKit's,
// in the order of their position.
func TestRunHasBothPhasesSorted(t *testing.T) {
	fs := run(t, config.Settings{}, text)
	for _, rule := range []string{"ConsistentInstructionCasing", "NoInstallRecommends", "StalePackageIndex"} {
		if _, ok := find(fs, rule); !ok {
			t.Errorf("no %s in %v", rule, rules(fs))
		}
	}
	if !slices.IsSortedFunc(fs, func(a, b diagnostics.Finding) int { return a.Span.Start - b.Span.Start }) {
		t.Errorf("not sorted by position: %v", fs)
	}
}

// TestRunAppliesSettings: a rule off, a severity changed and a category off
// hold for both phases' findings.
func TestRunAppliesSettings(t *testing.T) {
	s := config.Settings{
		Rules:      map[string]string{"ConsistentInstructionCasing": "error", "StalePackageIndex": "off"},
		Categories: map[string]bool{"size": false},
	}
	fs := run(t, s, text)
	if f, ok := find(fs, "ConsistentInstructionCasing"); !ok || f.Severity != diagnostics.Error {
		t.Errorf("BuildKit's finding not graded error: %+v", f)
	}
	for _, rule := range []string{"StalePackageIndex", "NoInstallRecommends"} {
		if _, ok := find(fs, rule); ok {
			t.Errorf("%s is switched off, but reported: %v", rule, rules(fs))
		}
	}
	s = config.Settings{Categories: map[string]bool{"buildkit": false}}
	if _, ok := find(run(t, s, text), "ConsistentInstructionCasing"); ok {
		t.Error("the buildkit category is off, but its finding is reported")
	}
}

// TestRunAppliesSuppressions: an inline ignore comment hides the finding of
// either phase.
func TestRunAppliesSuppressions(t *testing.T) {
	suppressed := "FROM debian:12\nRUN apt-get update\n# dockerfile-ls ignore=ConsistentInstructionCasing,NoInstallRecommends\nrun apt-get install -y curl\nRUN echo ok\n"
	fs := run(t, config.Settings{}, suppressed)
	for _, rule := range []string{"ConsistentInstructionCasing", "NoInstallRecommends"} {
		if _, ok := find(fs, rule); ok {
			t.Errorf("%s is suppressed, but reported: %v", rule, rules(fs))
		}
	}
	if _, ok := find(fs, "StalePackageIndex"); !ok {
		t.Errorf("a finding on another instruction went too: %v", rules(fs))
	}
}

// TestRunCancelled: once ctx is done the report would lack BuildKit's
// findings, so Run fails instead of returning it.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Run(ctx, Input{Doc: dockerfile.Parse([]byte(text))})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

// TestBuildKitOptionsReadContext: the build args, the target and the build
// context's ignore patterns reach BuildKit's checks.
func TestBuildKitOptionsReadContext(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("secret.txt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bctx, err := buildcontext.Load(t.Context(), dir, filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	s := config.Settings{Target: "build", BuildArgs: map[string]string{"V": "1"}}
	opts := BuildKitOptions(s, bctx)
	if opts.Target != "build" || opts.BuildArgs["V"] != "1" || !slices.Contains(opts.IgnorePatterns, "secret.txt") {
		t.Errorf("options %+v", opts)
	}
	copyIgnored := "FROM alpine:3.19\nCOPY secret.txt /s\n"
	if _, ok := find(run(t, config.Settings{}, copyIgnored), "CopyIgnoredFile"); ok {
		t.Fatal("CopyIgnoredFile without a context")
	}
	r, err := Run(t.Context(), Input{Doc: dockerfile.Parse([]byte(copyIgnored)), Context: bctx})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := find(r.Findings, "CopyIgnoredFile"); !ok {
		t.Errorf("no CopyIgnoredFile with the context: %v", rules(r.Findings))
	}
}

// TestAssembleKeepsInputs: the server keeps the fast findings for the next
// publish, so Assemble must not write into them.
func TestAssembleKeepsInputs(t *testing.T) {
	doc := dockerfile.Parse([]byte(text))
	fast, _ := Fast(doc, nil, config.Settings{})
	fast = slices.Grow(fast, 10)[:len(fast)] // room an append would write into
	buildkit, err := BuildKit(t.Context(), doc, diagnostics.BuildKitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	savedFast, savedBuildKit := slices.Clone(fast), slices.Clone(buildkit)
	s := config.Settings{Rules: map[string]string{"StalePackageIndex": "error", "ConsistentInstructionCasing": "off"}}
	out := Assemble(doc, s, fast, buildkit)
	if len(out) == 0 {
		t.Fatal("nothing assembled")
	}
	if !slices.EqualFunc(fast, savedFast, sameFinding) || !slices.EqualFunc(buildkit, savedBuildKit, sameFinding) {
		t.Error("Assemble modified its inputs")
	}
	if spare := fast[len(fast) : len(fast)+1]; spare[0].Rule != "" {
		t.Errorf("Assemble appended into the fast findings' spare room: %+v", spare[0])
	}
}

func sameFinding(a, b diagnostics.Finding) bool {
	return a.Rule == b.Rule && a.Severity == b.Severity && a.Span == b.Span && a.Message == b.Message
}

// TestRulesReadBuildArgs: the rules see the settings' build args through
// the build state, so a command named by an ARG without a default is
// classified once the build gives it a value.
func TestRulesReadBuildArgs(t *testing.T) {
	const text = "FROM python:3.12\nARG PIP\nCOPY . /app\nRUN $PIP install -r /app/requirements.txt\n"
	if _, ok := find(run(t, config.Settings{}, text), "CopyBeforeInstall"); ok {
		t.Error("CopyBeforeInstall without a value for PIP: the command is unknown")
	}
	withArg := config.Settings{BuildArgs: map[string]string{"PIP": "pip"}}
	if _, ok := find(run(t, withArg, text), "CopyBeforeInstall"); !ok {
		t.Error("no CopyBeforeInstall with --build-arg PIP=pip")
	}
}

// TestSupersededFindingsDropped: on `CMD ['npm', 'start']` the report keeps
// ExecFormSingleQuotes and drops BuildKit's JSONArgsRecommended for that
// line, but not for another CMD-like line, and not when the superseding
// rule is switched off.
func TestSupersededFindingsDropped(t *testing.T) {
	text := "FROM node:20\nENTRYPOINT node\nCMD ['npm', 'start']\n"
	fs := run(t, config.Settings{}, text)
	if _, ok := find(fs, "ExecFormSingleQuotes"); !ok {
		t.Fatalf("no ExecFormSingleQuotes: %v", rules(fs))
	}
	var lines []int
	for _, f := range fs {
		if f.Rule == "JSONArgsRecommended" {
			lines = append(lines, f.Span.Start)
		}
	}
	if want := strings.Index(text, "ENTRYPOINT"); !slices.Equal(lines, []int{want}) {
		t.Errorf("JSONArgsRecommended at offsets %v, want only the ENTRYPOINT's (%d)", lines, want)
	}
	off := run(t, config.Settings{Rules: map[string]string{"ExecFormSingleQuotes": "off"}}, text)
	if n := len(slices.DeleteFunc(off, func(f diagnostics.Finding) bool { return f.Rule != "JSONArgsRecommended" })); n != 2 {
		t.Errorf("with ExecFormSingleQuotes off, %d JSONArgsRecommended findings, want 2", n)
	}
}

// TestMisspeltStageIsNotAnImage: COPY --from=buidler gets
// CopyFromUnknownStage, not also UnpinnedBaseImage's advice to pin the
// "image" buidler.
func TestMisspeltStageIsNotAnImage(t *testing.T) {
	text := "FROM golang:1.22 AS builder\nRUN go version > /v\nFROM alpine:3.20\nCOPY --from=buidler /v /v\n"
	fs := run(t, config.Settings{}, text)
	if _, ok := find(fs, "CopyFromUnknownStage"); !ok {
		t.Fatalf("no CopyFromUnknownStage: %v", rules(fs))
	}
	if f, ok := find(fs, "UnpinnedBaseImage"); ok {
		t.Errorf("UnpinnedBaseImage on the misspelt stage: %s", f.Message)
	}
}
