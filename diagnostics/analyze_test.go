package diagnostics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// allFindings runs both passes, as check does, and names each finding
// "Rule@line: message".
func allFindings(t *testing.T, text string) []string {
	t.Helper()
	doc := dockerfile.Parse([]byte(text))
	fs, errs := Analyze(doc, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	fs = append(fs, BuildKitChecks(context.Background(), doc, BuildKitOptions{})...)
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s@%d: %s", f.Rule, doc.Lines.LineOf(f.Span.Start)+1, f.Message))
	}
	return out
}

func hasFinding(fs []string, prefix string) bool {
	return slices.ContainsFunc(fs, func(f string) bool { return strings.HasPrefix(f, prefix) })
}

// TestArgBaseImageIsNoError: a FROM that names its image, tag or registry
// through an ARG without a default is a valid Dockerfile that needs
// --build-arg; BuildKit's InvalidDefaultArgInFrom says so, and the rest of
// the file is checked. An image name that is invalid whatever the build
// args stays an error.
func TestArgBaseImageIsNoError(t *testing.T) {
	for _, from := range []string{"$base_image", "mysql:$MYSQL_VERSION", "$REGISTRY/app:1", "node:${NODE}-alpine"} {
		fs := allFindings(t, "ARG base_image\nARG MYSQL_VERSION\nARG REGISTRY\nARG NODE\nFROM "+from+"\nENV a b\nFROM alpine:3.19\nENV c d\n")
		if hasFinding(fs, "ParseError") {
			t.Errorf("FROM %s: a parameterised FROM is reported as an error: %q", from, fs)
		}
		for _, want := range []string{"InvalidDefaultArgInFrom@5", "LegacyKeyValueFormat@6", "LegacyKeyValueFormat@8"} {
			if !hasFinding(fs, want) {
				t.Errorf("FROM %s: no %s in %q", from, want, fs)
			}
		}
	}
	if fs := allFindings(t, "ARG V\nFROM My_Image:$V\nENV a=b\n"); !hasFinding(fs, "ParseError@2") {
		t.Errorf("an upper-case image name is no error: %q", fs)
	}
}

// TestOneErrorHidesNoOther: BuildKit stops at the first instruction it
// rejects; every error is reported, and the checks of the other lines run.
func TestOneErrorHidesNoOther(t *testing.T) {
	cases := map[string][]string{
		"unknown flag": {"FROM alpine:3.19\nCOPY --chwon=a:a . /app\nENV a b\n",
			"InvalidInstruction@2", "LegacyKeyValueFormat@3"},
		"shell not JSON": {"FROM alpine:3.19\nSHELL /bin/bash -c\nENV a b\nCMD echo hi\n",
			"InvalidInstruction@2", "LegacyKeyValueFormat@3", "JSONArgsRecommended@4"},
		"two bad mounts": {"FROM alpine:3.19\nRUN --mount=type=foo echo a\nRUN --mount=type=bar echo b\nENV a b\n",
			`ParseError@2: unsupported mount type "foo"`, `ParseError@3: unsupported mount type "bar"`, "LegacyKeyValueFormat@4"},
		"bad mount before a bad flag": {"FROM alpine:3.19\nRUN --mount=type=foo echo a\nCOPY --chwon=a:a . /app\n",
			`ParseError@2: unsupported mount type "foo"`, "InvalidInstruction@3"},
	}
	for name, c := range cases {
		fs := allFindings(t, c[0])
		for _, want := range c[1:] {
			if !hasFinding(fs, want) {
				t.Errorf("%s: no %s in %q", name, want, fs)
			}
		}
	}
}

// TestFlagSuggestionIsBuildKits: BuildKit suggests the closest flag; only
// its suggestion among instructions (whose ties it breaks in map order) is
// replaced.
func TestFlagSuggestionIsBuildKits(t *testing.T) {
	fs := allFindings(t, "FROM alpine:3.19\nCOPY --chwon=a:a . /app\n")
	if !hasFinding(fs, "InvalidInstruction@2: unknown flag: --chwon (did you mean chown?)") {
		t.Errorf("got %q", fs)
	}
}

// TestFlagSuggestionIsStable: BuildKit picks among equally close flags in
// map order; the suggestion must not change from run to run.
func TestFlagSuggestionIsStable(t *testing.T) {
	for range 20 {
		fs := allFindings(t, "FROM alpine:3.19\nCOPY --chwon=a:a . /app\nRUN --mout=type=cache,target=/x true\n")
		for _, want := range []string{"InvalidInstruction@2: unknown flag: --chwon (did you mean chown?)",
			"InvalidInstruction@3: unknown flag: --mout (did you mean mount?)"} {
			if !hasFinding(fs, want) {
				t.Fatalf("no %q in %q", want, fs)
			}
		}
	}
}

// TestInstructionFlags: every flag of the suggestion table is one BuildKit
// takes, so that no suggestion names a flag it would reject.
func TestInstructionFlags(t *testing.T) {
	for keyword, flags := range instructionFlags {
		for _, f := range flags {
			doc := dockerfile.Parse([]byte("FROM alpine:3.19\n" + keyword + " --" + f + "=x a b\n"))
			for _, in := range doc.Instructions {
				if err := in.Err(); err != nil && strings.Contains(err.Error(), "unknown flag") {
					t.Errorf("%s --%s: %v", keyword, f, err)
				}
			}
		}
	}
}

// TestAnalyzeContextStops: an analysis whose context is done stops before
// the next rule and returns the context's error, not the findings of the
// rules run so far; one never done finds what AnalyzeBuild finds.
func TestAnalyzeContextStops(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM debian:12\nRUN apt-get update\nRUN apt-get install curl\n"))
	want, _ := Analyze(doc, nil)
	if len(want) == 0 {
		t.Fatal("the file has no finding to lose")
	}
	got, _, err := AnalyzeContext(context.Background(), doc, nil, dockerfile.Options{})
	if err != nil || !slices.EqualFunc(got, want, func(a, b Finding) bool { return a.Rule == b.Rule && a.Span == b.Span && a.Message == b.Message }) {
		t.Errorf("not cancelled: %v, %d findings, want %d", err, len(got), len(want))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, _, err = AnalyzeContext(ctx, doc, nil, dockerfile.Options{})
	if !errors.Is(err, context.Canceled) || got != nil {
		t.Errorf("cancelled: %v with %d findings, want context.Canceled and none", err, len(got))
	}
}
