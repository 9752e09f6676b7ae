package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

const checkUsage = `Usage: dockerfile-ls check [flags] [PATH | GLOB | -]...

With no PATH, checks every Dockerfile under the current folder (Dockerfile,
*.Dockerfile, Dockerfile.*, Containerfile; not in .git, node_modules, vendor
or .gitignore'd folders). A folder is searched the same way; a glob ("**"
matches any number of folders) selects files; "-" reads standard input.

Flags:
  --format text|json|sarif|github|checkstyle   output format (default text)
  --fail-level error|warning|info|hint|none     exit 1 on findings at or above it (default error)
  --fix                 apply the safe fixes in place (source.fixAll's)
  --diff                print the fixes --fix would apply as a unified diff, writing nothing
  --config FILE         use this project file instead of looking for .dockerfile-ls.yaml
  --context DIR         the build context (default: from the project, Compose or bake file, else the Dockerfile's folder)
  --target STAGE        the stage to build
  --build-arg NAME=VALUE  a build arg (repeatable)
  --stdin-filename PATH the path standard input stands for (config, context, output)
  --color auto|always|never  colour text output (default auto: on a terminal, unless NO_COLOR is set)

Exit status: 0 clean, 1 findings at or above --fail-level (after --fix), 2 usage or I/O error.
`

// fixesFor computes the fixes; tests replace it.
var fixesFor = codeactions.For

type checkOptions struct {
	format, failLevel, color    string
	fix, diff                   bool
	configPath, stdinName       string
	contextDir, target          string
	buildArgs                   repeated
	failAt                      diagnostics.Severity // 0 for none
	explicitConfig              *config.File
	cliSettings                 config.Settings
	stdoutIsTTY, stderrIsTTY    bool
	stdin                       io.Reader
	stdout, stderr              io.Writer
	cwd                         string
	warnedConfig, contextErrors map[string]bool
}

// fileReport is what check found in one Dockerfile.
type fileReport struct {
	path        string // as shown: relative to the working folder when given so
	abs         string
	doc         *dockerfile.Document // after the fixes, if any
	original    []byte               // the text before the fixes
	findings    []diagnostics.Finding
	actions     []codeactions.Action // fixes for findings
	fixed       int                  // fixes applied
	contextRoot string
	stdin       bool
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o := &checkOptions{stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.format, "format", "text", "")
	fs.StringVar(&o.failLevel, "fail-level", "error", "")
	fs.BoolVar(&o.fix, "fix", false, "")
	fs.BoolVar(&o.diff, "diff", false, "")
	fs.StringVar(&o.configPath, "config", "", "")
	fs.StringVar(&o.contextDir, "context", "", "")
	fs.StringVar(&o.target, "target", "", "")
	fs.Var(&o.buildArgs, "build-arg", "")
	fs.StringVar(&o.stdinName, "stdin-filename", "", "")
	fs.StringVar(&o.color, "color", "auto", "")
	paths, err := parseInterspersed(fs, args)
	if err == nil {
		err = o.validate()
	}
	if err != nil {
		return commandUsageError(stdout, stderr, "check", checkUsage, err)
	}
	return o.run(paths)
}

func (o *checkOptions) validate() error {
	if o.fix && o.diff {
		return fmt.Errorf("--fix and --diff cannot be combined: --diff shows what --fix would write")
	}
	switch o.format {
	case "text", "json", "sarif", "github", "checkstyle":
	default:
		return fmt.Errorf("unknown --format %q (text, json, sarif, github or checkstyle)", o.format)
	}
	if o.failLevel != "none" {
		sev, ok := diagnostics.ParseSeverity(o.failLevel)
		if !ok {
			return fmt.Errorf("unknown --fail-level %q (error, warning, info, hint or none)", o.failLevel)
		}
		o.failAt = sev
	}
	switch o.color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("unknown --color %q (auto, always or never)", o.color)
	}
	o.cliSettings.Target = o.target
	for _, a := range o.buildArgs {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			return fmt.Errorf("--build-arg %q: want NAME=VALUE", a)
		}
		if o.cliSettings.BuildArgs == nil {
			o.cliSettings.BuildArgs = map[string]string{}
		}
		o.cliSettings.BuildArgs[name] = value
	}
	return nil
}

func (o *checkOptions) run(paths []string) int {
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
		return 2
	}
	o.cwd = cwd
	o.stdoutIsTTY, o.stderrIsTTY = isTerminal(o.stdout), isTerminal(o.stderr)
	o.warnedConfig, o.contextErrors = map[string]bool{}, map[string]bool{}
	if o.contextDir != "" {
		abs, err := filepath.Abs(o.contextDir)
		if err != nil {
			fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
			return 2
		}
		o.cliSettings.BuildContext = abs
	}
	if o.configPath != "" {
		f, err := config.ReadFile(o.configPath)
		if err != nil {
			fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
			return 2
		}
		o.explicitConfig = f
		o.warn(f)
	}
	for _, w := range o.cliSettings.Validate() {
		fmt.Fprintf(o.stderr, "dockerfile-ls: warning: %s\n", w)
	}
	c := newChecker(o)
	targets, failed := c.collect(paths)
	stdinCount := 0
	for _, t := range targets {
		if t.stdin {
			stdinCount++
		}
	}
	if stdinCount > 1 {
		return commandUsageError(o.stdout, o.stderr, "check", checkUsage, fmt.Errorf(`"-" (standard input) given more than once`))
	}
	if stdinCount == 1 && len(targets) > 1 && o.fix {
		return commandUsageError(o.stdout, o.stderr, "check", checkUsage, fmt.Errorf(`--fix prints the fixed standard input: give "-" alone`))
	}
	var reports []*fileReport
	for _, t := range targets {
		r, err := c.checkOne(t)
		if err != nil {
			fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
			failed = true
			continue
		}
		reports = append(reports, r)
	}
	if o.diff {
		for _, r := range reports {
			c.printDiff(r)
		}
	} else if o.fix && len(reports) == 1 && reports[0].stdin {
		r := reports[0]
		_, _ = o.stdout.Write(r.doc.Text)
		writeText(o.stderr, reports, o.useColor(o.stderrIsTTY))
	} else {
		if err := c.render(reports); err != nil {
			fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
			failed = true
		}
	}
	if o.format == "text" && !o.diff {
		summarize(o.stderr, reports, o.fix)
	}
	if failed {
		return 2
	}
	if o.failAt != 0 {
		for _, r := range reports {
			for _, f := range r.findings {
				if f.Severity <= o.failAt {
					return 1
				}
			}
		}
	}
	return 0
}

// useColor says whether to colour text written to a terminal (isTTY) or
// not: --color, then NO_COLOR and TERM=dumb.
func (o *checkOptions) useColor(isTTY bool) bool {
	return o.color == "always" || o.color == "auto" && isTTY && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

func (o *checkOptions) warn(f *config.File) {
	if o.warnedConfig[f.Path] {
		return
	}
	o.warnedConfig[f.Path] = true
	for _, w := range f.Warnings {
		fmt.Fprintf(o.stderr, "dockerfile-ls: warning: %s\n", w)
	}
}

// checker runs the analyses on the Dockerfiles found.
type checker struct {
	o        *checkOptions
	loader   *config.Loader
	contexts map[string]contextResult
	dirFiles map[string]*config.File // the project file of each folder seen
}

type contextResult struct {
	ctx *buildcontext.Context
	err error
}

func newChecker(o *checkOptions) *checker {
	c := &checker{o: o, contexts: map[string]contextResult{}, dirFiles: map[string]*config.File{}}
	c.loader = &config.Loader{Warn: func(w string) { fmt.Fprintf(o.stderr, "dockerfile-ls: warning: %s\n", w) }}
	return c
}

// projectFile is the project file that applies in folder dir (nil when
// none or unreadable: reading it for a Dockerfile reports the error).
func (c *checker) projectFile(dir string) *config.File {
	if c.o.explicitConfig != nil {
		return c.o.explicitConfig
	}
	if f, ok := c.dirFiles[dir]; ok {
		return f
	}
	f, err := c.loader.FileFor(dir)
	if err != nil {
		f = nil
	}
	c.dirFiles[dir] = f
	return f
}

// settingsFor is the command line's settings over the project's.
func (c *checker) settingsFor(abs string) (config.Settings, error) {
	var s config.Settings
	if f := c.o.explicitConfig; f != nil {
		s = f.For(abs)
		b, _ := config.FromBuildFiles(abs)
		s = s.Merge(b)
	} else {
		var err error
		if s, _, err = c.loader.Load(abs); err != nil {
			return s, err
		}
	}
	return c.o.cliSettings.Merge(s), nil
}

// buildContext loads (once per root and ignore file) the build context.
// A context that was asked for and cannot be read is an error; the
// default one (the Dockerfile's folder) only degrades the analysis.
func (c *checker) buildContext(root, dockerfilePath string, explicit bool) (*buildcontext.Context, error) {
	key := root + "\x00" + buildcontext.FindIgnoreFile(root, dockerfilePath)
	r, ok := c.contexts[key]
	if !ok {
		st, err := os.Stat(root)
		if err == nil && !st.IsDir() {
			err = fmt.Errorf("%s is not a folder", root)
		}
		if err == nil {
			r.ctx, r.err = buildcontext.Load(context.Background(), root, dockerfilePath)
		} else {
			r.err = err
		}
		c.contexts[key] = r
	}
	if r.err != nil {
		if explicit {
			return nil, fmt.Errorf("build context %s: %w", root, r.err)
		}
		if !c.o.contextErrors[root] {
			c.o.contextErrors[root] = true
			fmt.Fprintf(c.o.stderr, "dockerfile-ls: warning: build context %s: %v (checking without it)\n", root, r.err)
		}
		return nil, nil
	}
	return r.ctx, nil
}

// checkOne reads, analyses and (with --fix or --diff) fixes one file.
func (c *checker) checkOne(t target) (*fileReport, error) {
	r := &fileReport{path: t.path, stdin: t.stdin}
	var text []byte
	var err error
	if t.stdin {
		r.path = "-"
		if c.o.stdinName != "" {
			r.path = c.o.stdinName
		}
		if text, err = io.ReadAll(c.o.stdin); err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
	} else if text, err = os.ReadFile(t.path); err != nil {
		return nil, err
	}
	r.original = text
	if t.stdin && c.o.stdinName == "" {
		r.abs = filepath.Join(c.o.cwd, "-")
	} else if r.abs, err = filepath.Abs(r.path); err != nil {
		return nil, err
	}
	s, err := c.settingsFor(r.abs)
	if err != nil {
		return nil, err
	}
	var bctx *buildcontext.Context
	switch {
	case s.BuildContext != "":
		root := s.ContextRoot(r.abs)
		r.contextRoot = root
		if bctx, err = c.buildContext(root, r.abs, true); err != nil {
			return nil, err
		}
	case t.stdin && c.o.stdinName == "":
		// Standard input without a name has no context, as with `docker build -`.
	default:
		r.contextRoot = filepath.Dir(r.abs)
		bctx, _ = c.buildContext(r.contextRoot, r.abs, false)
	}
	find := analysis.Findings(bctx, s, func(err error) { fmt.Fprintf(c.o.stderr, "dockerfile-ls: internal error: %v\n", err) })
	if c.o.fix || c.o.diff {
		fixed, err := codeactions.Fixing{Context: bctx, Analyse: find, Offer: fixesFor}.Run(context.Background(), text)
		if err != nil {
			return nil, err
		}
		r.doc, r.findings, r.fixed = fixed.Doc, fixed.Findings, fixed.Applied
	} else {
		r.doc = dockerfile.Parse(text)
		if r.findings, err = find(context.Background(), r.doc); err != nil {
			return nil, err
		}
	}
	r.actions = fixesFor(r.doc, r.findings, bctx)
	if c.o.fix && !t.stdin {
		if err := r.write(); err != nil {
			return nil, err
		}
	}
	return r, nil
}
