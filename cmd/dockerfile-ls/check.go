package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
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
  --context DIR         the build context (default: from the project, Compose or bake file, else the Dockerfile's folder;
                        a file of the repository cannot place it above the current folder; never the filesystem root)
  --target STAGE        the stage to build
  --build-arg NAME=VALUE  a build arg (repeatable)
  --stdin-filename PATH the path standard input stands for (config, context, output)
  --color auto|always|never  colour text output (default auto: on a terminal, unless NO_COLOR is set)
  --history-diff BASE   instead of checking, compare the cache forecast of the Dockerfile at the revision
                        BASE with the working tree's over the same last 100 commits (docs/history.md);
                        one Dockerfile; text or json; exit 1 when it is worse (unless --fail-level none)

--fix leaves a file alone, as an error, when it is read-only, changed while
check ran, or is a symlink to a file outside the paths given; it keeps the
file's mode, owner, group and hard links. A Dockerfile that is not a regular
text file of at most 4 MiB is an error; one found in a folder that is a FIFO
or a device is skipped with a warning.

Exit status: 0 clean, 1 findings at or above --fail-level (after --fix), 2 usage or I/O error.
`

// fixesFor computes the fixes; tests replace it.
var fixesFor = codeactions.For

type checkOptions struct {
	format, failLevel, color string
	fix, diff                bool
	configPath, stdinName    string
	historyBase              string // --history-diff
	contextDir, target       string
	buildArgs                repeated
	failAt                   diagnostics.Severity // 0 for none
	explicitConfig           *config.File
	cliSettings              config.Settings
	stdoutIsTTY, stderrIsTTY bool
	stdin                    io.Reader
	stdout, stderr           io.Writer
	cwd                      string
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
	fs.StringVar(&o.historyBase, "history-diff", "", "")
	paths, err := parseInterspersed(fs, args)
	if err == nil {
		err = o.validate()
	}
	if err == nil && o.historyBase != "" {
		err = o.validateHistoryDiff(paths)
	}
	if err != nil {
		return commandUsageError(stdout, stderr, "check", checkUsage, err)
	}
	if o.historyBase != "" {
		return o.runHistoryDiff(paths[0])
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
	if err := o.prepare(); err != nil {
		fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
		return 2
	}
	c := cli.NewChecker(cli.CheckOptions{Settings: o.cliSettings, Config: o.explicitConfig, Fix: o.fix || o.diff, Write: o.fix,
		Stdin: o.stdin, StdinName: o.stdinName, Cwd: o.cwd, Stderr: o.stderr, Offer: fixesFor})
	targets, failed := c.Collect(paths)
	if err := o.checkStdin(targets); err != nil {
		return commandUsageError(o.stdout, o.stderr, "check", checkUsage, err)
	}
	var reports []*cli.FileReport
	for _, t := range targets {
		r, err := c.Check(t)
		if err != nil {
			fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
			failed = true
			continue
		}
		reports = append(reports, r)
	}
	if !o.print(reports) {
		failed = true
	}
	switch {
	case failed:
		return 2
	case o.fails(reports):
		return 1
	}
	return 0
}

// prepare reads what the flags name: the working folder, the build
// context's absolute path and the --config file (whose warnings it
// prints, with those about the flags' settings).
func (o *checkOptions) prepare() error {
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	o.cwd = cwd
	o.stdoutIsTTY, o.stderrIsTTY = isTerminal(o.stdout), isTerminal(o.stderr)
	if o.contextDir != "" {
		if o.cliSettings.BuildContext, err = filepath.Abs(o.contextDir); err != nil {
			return err
		}
	}
	var warnings []string
	if o.configPath != "" {
		if o.explicitConfig, err = config.ReadFile(o.configPath); err != nil {
			return err
		}
		warnings = o.explicitConfig.Warnings
	}
	for _, w := range append(warnings, o.cliSettings.Validate()...) {
		fmt.Fprintf(o.stderr, "dockerfile-ls: warning: %s\n", w)
	}
	return nil
}

// checkStdin refuses standard input given twice, or with --fix among
// other files (the fixed input goes to standard output).
func (o *checkOptions) checkStdin(targets []cli.Target) error {
	n := 0
	for _, t := range targets {
		if t.Stdin {
			n++
		}
	}
	switch {
	case n > 1:
		return fmt.Errorf(`"-" (standard input) given more than once`)
	case n == 1 && len(targets) > 1 && o.fix:
		return fmt.Errorf(`--fix prints the fixed standard input: give "-" alone`)
	}
	return nil
}

// print writes what was found: the diffs with --diff, the fixed standard
// input with --fix, else the findings in the chosen format; then, for
// text, the summary. It reports whether the output could be written (else
// it prints why).
func (o *checkOptions) print(reports []*cli.FileReport) (ok bool) {
	ok = true
	switch {
	case o.diff:
		for _, r := range reports {
			o.printDiff(r)
		}
	case o.fix && len(reports) == 1 && reports[0].Stdin:
		_, _ = o.stdout.Write(reports[0].Doc.Text)
		writeText(o.stderr, reports, o.useColor(o.stderrIsTTY))
	default:
		if err := o.render(reports); err != nil {
			fmt.Fprintf(o.stderr, "dockerfile-ls: %v\n", err)
			ok = false
		}
	}
	if o.format == "text" && !o.diff {
		summarize(o.stderr, reports, o.fix)
	}
	return ok
}

// printDiff prints what --fix would change, as a unified diff.
func (o *checkOptions) printDiff(r *cli.FileReport) {
	a, b := filepath.ToSlash(r.Path), filepath.ToSlash(r.Path)
	if !filepath.IsAbs(r.Path) {
		a, b = "a/"+a, "b/"+b
	}
	_, _ = fmt.Fprint(o.stdout, cli.UnifiedDiff(a, b, r.Original, r.Doc.Text))
}

// fails reports whether a finding is at or above --fail-level.
func (o *checkOptions) fails(reports []*cli.FileReport) bool {
	if o.failAt == 0 {
		return false
	}
	for _, r := range reports {
		for _, f := range r.Findings {
			if f.Severity <= o.failAt {
				return true
			}
		}
	}
	return false
}

// useColor says whether to colour text written to a terminal (isTTY) or
// not: --color, then NO_COLOR and TERM=dumb.
func (o *checkOptions) useColor(isTTY bool) bool {
	return o.color == "always" || o.color == "auto" && isTTY && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
