// Package buildkitcheck runs BuildKit's own Dockerfile build checks (what
// `docker build --check` reports) in-process: no Docker daemon, no registry.
//
// The checks are not reimplemented: the Dockerfile goes through BuildKit's
// dockerfile2llb conversion with a warning callback, an offline image
// resolver (resolver.go) and an in-memory gateway that only serves the
// .dockerignore. What cannot be known offline (a base image's ENV) is handled
// so that it never turns into a false finding; see filterUndefinedVar.
package buildkitcheck

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// Options are the build inputs that change what the checks see.
type Options struct {
	BuildArgs map[string]string // --build-arg values
	Target    string            // --target; empty checks every stage, as `docker build --check` does
	// IgnorePatterns are the .dockerignore lines, for CopyIgnoredFile. They are
	// re-read the way BuildKit reads the file, so a pattern starting with "#"
	// is a comment.
	IgnorePatterns []string
}

// Check is one finding of a BuildKit rule.
type Check struct {
	Rule, Description, URL, Message string
	Start, End                      int  // byte offsets in text
	Error                           bool // the file says # check=error=true
	Experimental                    bool // an experimental BuildKit rule
}

// Result is what Run found.
type Result struct {
	Checks []Check
	// Skipped is an info message, set when a # syntax= directive selects a
	// frontend other than Docker's Dockerfile frontend, whose checks may not apply.
	Skipped string
	// ParseError is set when BuildKit rejects the file (a parse error, or an
	// error of the conversion such as an empty base name). Checks found
	// before the error are still returned.
	ParseError *ParseError
}

// ParseError is an error BuildKit reports for the file, at a byte range.
type ParseError struct {
	Message    string
	Start, End int
}

// RuleInfo describes one BuildKit rule.
type RuleInfo struct {
	Name, Description, URL string
	Experimental           bool
}

// Rules lists every rule of BuildKit's linter package, as its ruleset.go
// declares them: rules_generated.go is written from it by go generate, and
// a test fails when it is not current.
func Rules() []RuleInfo { return slices.Clone(generatedRules) }

//go:generate go run gen_rules.go

var experimentalRules = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, r := range Rules() {
		m[r.Name] = r.Experimental
	}
	return m
})

// Run runs every BuildKit check, experimental ones included (marked
// Experimental, so the caller decides whether to show them), honouring the
// file's # check= directive. It never panics. Cancelling ctx stops the
// pass before BuildKit converts the instructions when it is not too late
// (see stopOnCancelResolver); a cancelled pass returns nothing.
func Run(ctx context.Context, text []byte, opts Options) (res Result) {
	lines := textpos.NewLines(text)
	defer func() {
		if r := recover(); r != nil {
			res = Result{ParseError: &ParseError{Message: fmt.Sprintf("internal error while running BuildKit checks: %v", r), End: lines.End(0)}}
		}
	}()
	// An empty buffer is a file being started, not an error worth a squiggle.
	if len(bytes.TrimSpace(text)) == 0 {
		return Result{}
	}
	if ref, _, _, ok := parser.DetectSyntax(text); ok && !isDockerFrontend(ref) {
		return Result{Skipped: fmt.Sprintf("BuildKit checks not run: # syntax=%s selects a frontend other than Docker's Dockerfile frontend, whose checks may differ", ref)}
	}

	// Parse # check= ourselves (BuildKit would do the same) so that we can
	// turn on experimental rules and record error=true as a severity instead
	// of letting BuildKit fail the conversion.
	checkStr, _, checkLoc, _ := parser.ParseDirective("check", text)
	cfg, err := linter.ParseLintOptions(checkStr)
	if err != nil {
		start, end := span(text, lines, checkLoc)
		return Result{ParseError: &ParseError{Message: "failed to parse check options: " + err.Error(), Start: start, End: end}}
	}
	lintCfg := *cfg
	lintCfg.ExperimentalAll, lintCfg.ReturnAsError = true, false

	var mu sync.Mutex // base images resolve in parallel, and may warn
	var checks []Check
	warn := func(rule, description, url, msg string, loc []parser.Range) {
		exp := experimentalRules()[rule]
		// BuildKit's skip list does not apply to experimental rules (they
		// are opt-in there); we turned them all on, so apply it here.
		if exp && (cfg.SkipAll || slices.Contains(cfg.SkipRules, rule)) {
			return
		}
		start, end := span(text, lines, loc)
		mu.Lock()
		defer mu.Unlock()
		checks = append(checks, Check{Rule: rule, Description: description, URL: url, Message: msg,
			Start: start, End: end, Error: cfg.ReturnAsError, Experimental: exp})
	}

	gw := newGateway(opts.IgnorePatterns)
	bc, err := dockerui.NewClient(stopOnCancelGateway{gw})
	if err != nil {
		return Result{ParseError: &ParseError{Message: err.Error(), End: lines.End(0)}}
	}
	bc.LinterConfig = &lintCfg // takes precedence over the file's directive
	_, err = dockerfile2llb.Dockerfile2LLB(ctx, offlineSources(text), dockerfile2llb.ConvertOpt{
		Config: dockerui.Config{
			BuildArgs: maps.Clone(opts.BuildArgs), // BuildKit may rewrite SOURCE_DATE_EPOCH in it
			Target:    opts.Target,
			// docker build --check targets Linux even on macOS/Windows hosts;
			// the host's OS would change WORKDIR and PATH semantics.
			BuildPlatforms: []ocispecs.Platform{linuxPlatform},
		},
		Client:       bc,
		MetaResolver: stopOnCancelResolver{},
		LLBCaps:      &llbCaps,
		Warn:         warn,
		AllStages:    opts.Target == "", // as DockerfileLint: no target means all stages
	})
	if ctx.Err() != nil {
		return Result{} // BuildKit's error, if any, is the cancellation
	}
	if err != nil {
		res.ParseError = toParseError(text, lines, err)
	}
	res.Checks = sortDedupe(filterUndefinedVar(text, lines, opts.BuildArgs, checks))
	return res
}

// offlineSources rewrites SSH git sources of ADD (git@host:repo,
// ssh://host/repo) to https ones: converting an SSH git source makes
// BuildKit's llb.Git open a connection to the host, and the server makes no
// network connection. Each rewrite stays on its line, so locations hold.
func offlineSources(text []byte) []byte {
	if !bytes.Contains(text, []byte("git@")) && !bytes.Contains(text, []byte("ssh://")) {
		return text
	}
	lines := bytes.SplitAfter(text, []byte("\n"))
	for i, line := range lines {
		fields := bytes.Fields(line)
		if len(fields) == 0 || !bytes.EqualFold(fields[0], []byte("ADD")) {
			continue
		}
		line = bytes.ReplaceAll(line, []byte("ssh://"), []byte("https://"))
		for _, w := range bytes.Fields(line) {
			if rest, ok := bytes.CutPrefix(w, []byte("git@")); ok {
				repl := append([]byte("https://"), bytes.Replace(rest, []byte(":"), []byte("/"), 1)...)
				line = bytes.Replace(line, w, repl, 1)
			}
		}
		lines[i] = line
	}
	return bytes.Join(lines, nil)
}

// isDockerFrontend reports whether a # syntax= reference names Docker's own
// Dockerfile frontend, whose checks are the ones we run.
func isDockerFrontend(ref string) bool {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return false
	}
	name := reference.FamiliarName(named)
	return name == "docker/dockerfile" || name == "docker/dockerfile-upstream"
}

func toParseError(text []byte, lines *textpos.Lines, err error) *ParseError {
	var loc []parser.Range
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 {
		loc = le.Locations[0] // the innermost: later ones add the enclosing stage
	}
	start, end := span(text, lines, loc)
	return &ParseError{Message: err.Error(), Start: start, End: end}
}

// span converts BuildKit's ranges (1-based lines, characters usually 0,
// meaning "the whole line") to byte offsets: from the first non-blank byte of
// the first line to the end of the last line, or the exact characters when
// BuildKit gives them. No location means the first line.
func span(text []byte, lines *textpos.Lines, loc []parser.Range) (start, end int) {
	if len(loc) == 0 {
		return 0, lines.End(0)
	}
	s, e := loc[0].Start, loc[0].End
	for _, r := range loc[1:] {
		if r.Start.Line < s.Line {
			s = r.Start
		}
		if r.End.Line > e.Line {
			e = r.End
		}
	}
	clamp := func(line int) int { return max(0, min(line-1, lines.Count()-1)) }
	sl, el := clamp(s.Line), clamp(max(e.Line, s.Line))
	if s.Character == 0 && e.Character == 0 {
		start, end = lines.Start(sl), lines.End(el)
		for start < end && (text[start] == ' ' || text[start] == '\t') {
			start++
		}
		return start, end
	}
	start, _ = lines.Offset(textpos.Pos{Line: sl, Col: s.Character}, textpos.UTF8)
	end, _ = lines.Offset(textpos.Pos{Line: el, Col: e.Character}, textpos.UTF8)
	return start, max(start, end)
}

// sortDedupe orders checks by position (BuildKit emits some from map
// iteration or parallel goroutines) and drops exact repeats.
func sortDedupe(checks []Check) []Check {
	slices.SortStableFunc(checks, func(a, b Check) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(checks)
}
