// Package cli is what the dockerfile-ls command does, apart from reading
// its command line and printing results: which files `check` checks, the
// settings and build context of each, their analysis and fixes, writing a
// fixed file safely, and what `cache` predicts. cmd/dockerfile-ls turns
// its flags into these options and prints what comes back; tests of any
// package can call the same functions.
package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// CheckOptions are what `check` is asked to do, apart from the output.
type CheckOptions struct {
	// Settings are the command line's (--context, --target, --build-arg):
	// they win over the project's.
	Settings config.Settings
	// Config is the --config file, used for every Dockerfile instead of
	// the project file found from its folder; nil to look for one.
	Config *config.File
	// Fix computes what fix-all applies (--fix, --diff); Write also saves
	// it (--fix).
	Fix, Write bool
	// Stdin is read for the path "-"; StdinName is the path it stands for
	// ("" for none: no project file, no build context, as `docker build -`).
	Stdin     io.Reader
	StdinName string
	// Cwd is the working folder.
	Cwd string
	// Stderr receives warnings, skipped files and internal errors, one
	// line each.
	Stderr io.Writer
	// Offer lists the fixes of findings; nil means codeactions.For
	// (tests offer others).
	Offer codeactions.Offer
}

// Target is one file to check.
type Target struct {
	Path string // as given or found, relative to the working folder when found under a relative root
	// Root is the path given that Path was found under (a folder, a
	// glob's folder), which --fix writes no file outside of; "" for a file
	// given itself, whose folder is its root.
	Root  string
	Stdin bool
}

// FileReport is what check found in one Dockerfile.
type FileReport struct {
	Path        string // as shown: relative to the working folder when given so
	Abs         string
	Doc         *dockerfile.Document // after the fixes, if any
	Original    []byte               // the text before the fixes
	Findings    []diagnostics.Finding
	Actions     []codeactions.Action // the fixes offered for Findings
	Fixed       int                  // fixes applied
	ContextRoot string               // "" when the file has no build context
	Stdin       bool

	root string      // see Target.Root; never ""
	info fs.FileInfo // the file's when it was read (nil for standard input)
}

// Checker checks Dockerfiles with one set of options, reading each
// project file and build context once.
type Checker struct {
	o             CheckOptions
	loader        *config.Loader
	contexts      map[string]contextResult
	dirFiles      map[string]*config.File // the project file of each folder seen
	contextErrors map[string]bool         // roots whose failed load was reported
}

type contextResult struct {
	ctx *buildcontext.Context
	err error
}

// NewChecker returns a Checker for o.
func NewChecker(o CheckOptions) *Checker {
	if o.Offer == nil {
		o.Offer = codeactions.For
	}
	c := &Checker{o: o, contexts: map[string]contextResult{}, dirFiles: map[string]*config.File{}, contextErrors: map[string]bool{}}
	c.loader = &config.Loader{Warn: func(w string) { fmt.Fprintf(o.Stderr, "dockerfile-ls: warning: %s\n", w) }}
	return c
}

// projectFile is the project file that applies in folder dir (nil when
// none or unreadable: reading it for a Dockerfile reports the error).
func (c *Checker) projectFile(dir string) *config.File {
	if c.o.Config != nil {
		return c.o.Config
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

// settingsFor is the command line's settings over the project's; source
// names the project's files.
func (c *Checker) settingsFor(abs string) (s config.Settings, source string, err error) {
	if f := c.o.Config; f != nil {
		b, src := config.FromBuildFiles(abs)
		s, source = f.For(abs).Merge(b), f.Path
		if src != "" {
			source += ", " + src
		}
	} else if s, source, err = c.loader.Load(abs); err != nil {
		return s, "", err
	}
	return c.o.Settings.Merge(s), source, nil
}

// buildContext loads (once per root and ignore file) the build context.
// A context that was asked for and cannot be read is an error; the
// default one (the Dockerfile's folder) only degrades the analysis.
func (c *Checker) buildContext(root, dockerfilePath string, explicit bool) (*buildcontext.Context, error) {
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
		c.warnContext(root, fmt.Errorf("%w (checking without it)", r.err))
		return nil, nil
	}
	return r.ctx, nil
}

// warnContext says, once per context, why check goes without it.
func (c *Checker) warnContext(root string, why error) {
	if !c.contextErrors[root] {
		c.contextErrors[root] = true
		fmt.Fprintf(c.o.Stderr, "dockerfile-ls: warning: build context %s: %v\n", root, why)
	}
}

// Check reads, analyses and (with Fix) fixes one file, and with Write
// saves the fixed file.
func (c *Checker) Check(t Target) (*FileReport, error) {
	r := &FileReport{Path: t.Path, Stdin: t.Stdin, root: t.Root}
	if r.root == "" {
		r.root = filepath.Dir(t.Path)
	}
	text, err := c.read(r)
	if err != nil {
		return nil, err
	}
	r.Original = text
	s, source, err := c.settingsFor(r.Abs)
	if err != nil {
		return nil, err
	}
	bctx, err := c.contextOf(r, s, source)
	if err != nil {
		return nil, err
	}
	find := analysis.Findings(bctx, s, func(err error) { fmt.Fprintf(c.o.Stderr, "dockerfile-ls: internal error: %v\n", err) })
	if c.o.Fix {
		fixed, err := codeactions.Fixing{Context: bctx, Options: s.BuildOptions(), Analyse: find, Offer: c.o.Offer}.Run(context.Background(), text)
		if err != nil {
			return nil, err
		}
		r.Doc, r.Findings, r.Fixed = fixed.Doc, fixed.Findings, fixed.Applied
	} else {
		r.Doc = dockerfile.Parse(text)
		if r.Findings, err = find(context.Background(), r.Doc); err != nil {
			return nil, err
		}
	}
	r.Actions = c.o.Offer(r.Doc.State(s.BuildOptions()), r.Findings, bctx)
	if c.o.Write && !t.Stdin {
		if err := r.Write(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// read reads the report's file (or standard input) and sets its paths.
func (c *Checker) read(r *FileReport) (text []byte, err error) {
	if !r.Stdin {
		if text, r.info, err = readDockerfile(r.Path); err != nil {
			return nil, err
		}
		r.Abs, err = filepath.Abs(r.Path)
		return text, err
	}
	if text, err = readDockerfileFrom(c.o.Stdin, "standard input"); err != nil {
		return nil, err
	}
	if c.o.StdinName == "" {
		r.Path, r.Abs = "-", filepath.Join(c.o.Cwd, "-")
		return text, nil
	}
	r.Path = c.o.StdinName
	r.Abs, err = filepath.Abs(r.Path)
	return text, err
}

// contextOf is the report's build context: the settings' (from source,
// unless --context gave it), the Dockerfile's folder, or none for unnamed
// standard input. A context out of scope is not read: --context / is an
// error, a context a repository file gives above the current folder (see
// repoContext) is left out with a warning, as is a Dockerfile's folder
// that is the filesystem root or a home folder (see contextScope).
func (c *Checker) contextOf(r *FileReport, s config.Settings, source string) (*buildcontext.Context, error) {
	if s.BuildContext == "" && r.Stdin && c.o.StdinName == "" {
		return nil, nil
	}
	root := s.ContextRoot(r.Abs)
	fromCLI := c.o.Settings.BuildContext != ""
	scope, shown := contextScope(root, fromCLI), root
	if s.BuildContext != "" && !fromCLI {
		scope, shown = repoContext(root, r.Abs, workingFolder(c.o.Cwd)), root+" (from "+source+")"
	}
	switch {
	case scope == nil:
	case fromCLI:
		return nil, fmt.Errorf("--context %s: %w", root, scope)
	default:
		c.warnContext(shown, fmt.Errorf("%w; checking without it", scope))
		return nil, nil
	}
	r.ContextRoot = root
	return c.buildContext(root, r.Abs, s.BuildContext != "")
}
