package diagnostics

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

var volatileArg = &Rule{
	Name: "VolatileArgBeforeRuns", Category: Cache, Severity: Warning,
	Summary: "an ARG or ENV whose value changes on every build (date, commit, build number) is declared before RUN steps that do not use it",
	DocsURL: DocsBase + "VolatileArgBeforeRuns.md",
	Check:   checkVolatileArg,
}

// volatileName matches variable names whose value changes from build to
// build: dates, commits, build numbers.
// The word must end the name: BUILD_DATE and GIT_COMMIT, not TIME_ZONE or
// DATE_FORMAT, which are settings.
var volatileName = regexp.MustCompile(`(?i)(^|_)(DATE|DATE_EPOCH|TIMESTAMP|BUILD_?TIME|COMMIT|SHA|VCS_?REF|GIT_?REF|REVISION|BUILD_?(NUMBER|NUM|ID)|PIPELINE_?ID|RUN_?ID)$`)

// cacheBustName is the deliberate idiom: ARG CACHEBUST right before the
// step it is meant to re-run.
var cacheBustName = regexp.MustCompile(`(?i)CACHE_?BUST|BUST_?CACHE`)

// checkVolatileArg reports a volatile ARG (or an ENV carrying one) when
// RUN steps between its declaration and its first use would re-run on
// every new value: ARGs and ENVs are in the environment of every later RUN.
func checkVolatileArg(p *Pass) {
	for _, st := range p.Doc.Stages {
		for i, inst := range st.Instructions {
			for _, v := range volatileDecls(inst) {
				if cacheBustName.MatchString(v) {
					continue
				}
				reportVolatile(p, st.Instructions[i+1:], inst, v)
			}
		}
	}
}

// volatileDecls are the volatile names inst declares: ARG names that look
// volatile, and ENV names whose value expands one.
func volatileDecls(inst *dockerfile.Instruction) []string {
	if inst.Keyword != "ARG" && inst.Keyword != "ENV" {
		return nil // every RUN's words, on every keystroke, otherwise
	}
	var out []string
	for _, w := range inst.Args {
		name, value, _ := strings.Cut(w.Value, "=")
		switch inst.Keyword {
		case "ARG":
			// A literal default (ARG TOOL_COMMIT=3f2a...) pins a version;
			// only a value the build passes in changes per build.
			if volatileName.MatchString(name) && (value == "" || strings.Contains(value, "$")) {
				out = append(out, name)
			}
		case "ENV":
			if strings.Contains(value, "$") && volatileName.MatchString(strings.Trim(value, "${}")) {
				out = append(out, name)
			}
		}
	}
	return out
}

func reportVolatile(p *Pass, after []*dockerfile.Instruction, decl *dockerfile.Instruction, name string) {
	var needless []*dockerfile.Instruction
	var firstUse *dockerfile.Instruction
	for _, in := range after {
		if cache.UsesVar(p.Doc.Slice(in.Span), name) {
			firstUse = in
			break
		}
		if in.Keyword == "RUN" {
			needless = append(needless, in)
		}
	}
	if len(needless) == 0 {
		return
	}
	var lines []string
	var related []Related
	for _, in := range needless {
		lines = append(lines, fmt.Sprint(in.Line+1))
		related = append(related, Related{Span: in.KeywordSpan, Message: "re-runs on every new value of " + name})
	}
	where := "where it is used, or remove it"
	if firstUse != nil {
		where = fmt.Sprintf("just before line %d, where it is first used", firstUse.Line+1)
	}
	p.Report(decl.Span, fmt.Sprintf(
		"Every new value of %s re-runs the RUN steps on lines %s, which do not use it: %ss are in the environment of every later RUN. Declare it %s.",
		name, strings.Join(lines, ", "), decl.Keyword, where), related, nil)
}
