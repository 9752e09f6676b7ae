// Command dockerfile-ls is a language server for Dockerfiles. With no
// arguments (or --stdio) it speaks LSP on stdin and stdout; "check" runs the
// same analysis on files for CI (and fixes them); "rules" lists the rules;
// "cache" predicts what a change re-runs; "version" prints the version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/sirupsen/logrus"

	"github.com/dockerfile-ls/dockerfile-ls/server"
)

// version is set at build time with -ldflags "-X main.version=..." (make
// build, make dist, the VS Code extension); see resolvedVersion otherwise.
var version = "dev"

// resolvedVersion is the stamped version, else the module version Go
// recorded (`go install …@v1.2.3` and pre-commit builds are not stamped),
// else "dev".
func resolvedVersion(stamped string, info *debug.BuildInfo, ok bool) string {
	if stamped != "dev" || !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return stamped
	}
	return info.Main.Version
}

const usage = `dockerfile-ls: a language server for Dockerfiles

Usage:
  dockerfile-ls [--stdio] [--log-level LEVEL]   serve LSP on stdin/stdout
  dockerfile-ls check [--format text|json|sarif|github|checkstyle] [--fail-level SEVERITY] [--fix|--diff] [PATH|GLOB|-]...
  dockerfile-ls rules [--format text|json]
  dockerfile-ls cache DOCKERFILE [--changed PATH]... [--build-arg NAME]... [--target STAGE] [--context DIR] [--format text|json]
  dockerfile-ls version

LEVEL is debug, info, warn or error (default warn); logs go to stderr.
"dockerfile-ls COMMAND --help" (or "dockerfile-ls help COMMAND") describes a command.
`

const versionUsage = `Usage: dockerfile-ls version

Prints the version.
`

func main() {
	// Libraries we use (compose-go, parts of BuildKit) log through logrus;
	// what we log goes through slog at the level the user chose, and a
	// Compose file's "variable is not set" is not worth the editor's log.
	logrus.SetOutput(io.Discard)
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code (2 for usage
// errors).
func run(args []string, stdin io.Reader, stdout io.WriteCloser, stderr io.Writer) int {
	info, ok := debug.ReadBuildInfo()
	version = resolvedVersion(version, info, ok)
	server.Version = version
	if len(args) > 0 {
		switch args[0] {
		case "version", "--version":
			return runVersion(args[1:], stdout, stderr)
		case "check":
			return runCheck(args[1:], stdin, stdout, stderr)
		case "rules":
			return runRules(args[1:], stdout, stderr)
		case "cache":
			return runCache(args[1:], stdout, stderr)
		case "help":
			if len(args) > 1 {
				return run([]string{args[1], "--help"}, stdin, stdout, stderr)
			}
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	return serve(args, stdin, stdout, stderr)
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return commandUsageError(stdout, stderr, "version", versionUsage, err)
	}
	if fs.NArg() > 0 {
		return commandUsageError(stdout, stderr, "version", versionUsage, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	fmt.Fprintf(stdout, "dockerfile-ls %s\n", version)
	return 0
}

func serve(args []string, stdin io.Reader, stdout io.WriteCloser, stderr io.Writer) int {
	fs := flag.NewFlagSet("dockerfile-ls", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Bool("stdio", true, "serve LSP on stdin/stdout (the default)")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return usageError(stdout, stderr, err)
	}
	if fs.NArg() > 0 {
		return usageError(stdout, stderr, fmt.Errorf("unknown command %q", fs.Arg(0)))
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return usageError(stdout, stderr, fmt.Errorf("invalid --log-level %q", *level))
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl}))
	tuneGC()
	return server.Run(context.Background(), stdin, stdout, log)
}

// serverGCPercent is the server's GOGC. The server lives for hours with a
// small live heap and allocates in bursts (an analysis per keystroke, a
// BuildKit pass after it), so Go's default of 100, which lets the heap
// double before collecting, mostly buys peak memory: at 50, 100 open
// documents peak 7 MiB lower, the publish after a keystroke is as fast and
// the BuildKit pass 12% slower (docs/benchmarks.md).
const serverGCPercent = 50

// tuneGC applies serverGCPercent unless the user chose with GOGC.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serverGCPercent)
	}
}

// usageError answers a bad command line with the top-level usage: on
// standard output with exit 0 for --help, else on standard error after the
// error, with exit 2.
func usageError(stdout, stderr io.Writer, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "dockerfile-ls: %v\n\n%s", err, usage)
	return 2
}

// commandUsageError is usageError for a command: its own usage, and its
// name before the error.
func commandUsageError(stdout, stderr io.Writer, command, commandUsage string, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, commandUsage)
		return 0
	}
	fmt.Fprintf(stderr, "dockerfile-ls %s: %v\n\n%s", command, err, commandUsage)
	return 2
}

// parseInterspersed parses a command's flags wherever they are, before or
// after the operands, as users type them; "--" ends the flags. It returns
// the operands.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var operands []string
	for rest := args; len(rest) > 0; {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		rest = fs.Args()
		if n := len(rest); n > 0 {
			if len(args) >= n+1 && args[len(args)-n-1] == "--" {
				return append(operands, rest...), nil
			}
			operands, rest = append(operands, rest[0]), rest[1:]
		}
	}
	return operands, nil
}
