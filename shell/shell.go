// Package shell reads the shell script of a Dockerfile RUN instruction and
// lists the simple commands it runs, so that rules can ask "which commands
// does this layer run, and with which words" without guessing from raw text.
//
// It uses the mvdan.cc/sh/v3/syntax parser (bash dialect, a superset of what
// /bin/sh scripts in Dockerfiles use), then walks the tree: and-or lists,
// pipelines, subshells, blocks, if/for/while/case bodies, command
// substitutions, and the script argument of `sh -c '...'`, which it parses
// again. Wrappers that run another command (env, sudo, xargs, nohup, ...) and
// leading VAR=value assignments are moved out of Args, so Args[0] is the
// program that actually runs.
//
// Offsets are in the caller's coordinates (see ParseJoined), so a rule can
// point at a word inside a multi-line RUN even though the shell sees the
// lines joined.
package shell

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// Script is the list of simple commands a RUN script runs, in source order.
type Script struct {
	Commands []Command
	// Err is why the script did not parse: the shell's syntax error (the
	// Commands are those that could be recovered), or nil.
	Err error
}

// Command is one simple command (a program with its arguments).
type Command struct {
	// Args are the words of the command after wrappers and assignments are
	// removed: Args[0] is the program that runs. Never empty.
	Args []Word
	// Env holds the NAME=value assignments that apply to this command only:
	// leading `NAME=value cmd` assignments and those given to `env`/`sudo`.
	Env []Word
	// Prefix holds the wrapper words removed before Args (e.g. "sudo", "-E",
	// "xargs", "-n1"), so a rule can tell that xargs feeds the arguments.
	Prefix []Word
	// Start and End span the whole simple command, wrappers included.
	Start, End int
	// Op is the operator joining the command to the one before it in the
	// same list: "", "&&", "||", ";" (also a newline), "&" or "|". The first
	// command inside a subshell, block or loop body inherits the operator in
	// front of that construct; the first one inside `sh -c` or `$(...)` has "".
	Op string
	// AfterOr is true when the command runs only if an earlier one failed:
	// it sits in the right-hand side of a `||` (at any depth) or in an
	// else/elif branch. In `a || b && c` only b is AfterOr: c also runs when a
	// succeeds.
	AfterOr bool
	// Sub is true for commands nested in another construct: the script of
	// `sh -c`, a subshell, a { } block, an if/for/while/case body, a function
	// body or a command substitution.
	Sub bool
}

// Word is one shell word.
type Word struct {
	// Value is the word with quotes and escapes removed, e.g. `"a b"` gives
	// "a b". It is "" when Dynamic.
	Value string
	// Dynamic is true when the word contains an expansion ($VAR, $(cmd),
	// $((1+1))) whose value is only known when the script runs.
	Dynamic bool
	// Raw is the word as the shell sees it, quotes and expansions kept, e.g.
	// `"$HOME/.cache"`. Rules use it to show or resolve dynamic words.
	Raw string
	// Start and End are byte offsets of the word in the parsed text; -1 for
	// words that have no place in it (exec form).
	Start, End int
}

// Name returns the base name of the program that runs, e.g. "pip3" for
// `/usr/local/bin/pip3 install x`, or "" when it is dynamic.
func (c Command) Name() string {
	if len(c.Args) == 0 || c.Args[0].Dynamic {
		return ""
	}
	return path.Base(c.Args[0].Value)
}

// Parse parses a plain shell script, such as a command a fix is about to
// write into a RUN. It does not join Dockerfile continuation lines: the
// script of a RUN instruction comes from the document model, which joins
// them as BuildKit does, through ParseJoined. Offsets in the result are byte
// offsets into script.
func Parse(script string) (*Script, error) {
	offsets := make([]int, len(script)+1)
	for i := range offsets {
		offsets[i] = i
	}
	return ParseJoined(script, offsets)
}

// ParseJoined parses the script a RUN instruction runs, its continuation
// lines already joined as BuildKit joins them, followed by its heredoc
// bodies (a RUN that opens heredocs needs them; without them the shell
// reports an unclosed here-document). offsets[i] is where text[i] is in the
// caller's coordinates, and offsets[len(text)] where the text ends; the
// result's offsets are in those coordinates. When the script is only a
// heredoc with no command (`RUN <<EOF`), its body is the script, as in
// BuildKit.
//
// On a syntax error ParseJoined returns the error together with the
// commands it could recover, so a half-typed RUN still gets analysed. A
// script that could nest deeper than the parser can safely recurse is not
// parsed at all: the error is ErrTooDeep and Script.Cut reports it.
func ParseJoined(text string, offsets []int) (*Script, error) {
	if len(offsets) != len(text)+1 {
		err := fmt.Errorf("shell script of %d bytes given %d offsets, want one per byte and one for the end", len(text), len(offsets))
		return &Script{Err: err}, err
	}
	w := &walker{src: text, pos: offsets}
	err := w.parseIn(ctx{})
	return &Script{Commands: w.out, Err: err}, err
}

// ParseExec parses the exec form of RUN (`RUN ["pip", "install", "x"]`): one
// command whose words are the given strings, unquoted and never dynamic. Words
// have no offsets (Start and End are -1). When the command is a shell run with
// -c (`["sh", "-c", "npm ci"]`), the commands of that script follow, with Sub
// set and no offsets either.
func ParseExec(args []string) *Script {
	w := &walker{}
	words := make([]argWord, 0, len(args))
	for _, a := range args {
		words = append(words, argWord{Word: Word{Value: a, Raw: a, Start: -1, End: -1}, lit: a})
	}
	w.emitCall(words, nil, -1, -1, ctx{})
	return &Script{Commands: w.out}
}

// IsPOSIX reports whether a SHELL instruction's command (e.g.
// ["/bin/bash", "-o", "pipefail", "-c"]) runs a POSIX-like shell: sh, bash,
// ash, dash, zsh, ksh, mksh or busybox sh, possibly through /usr/bin/env.
// Only then does this package's view of a RUN script apply; PowerShell and
// cmd.exe scripts are not shell scripts. An empty command means the default
// shell, /bin/sh.
func IsPOSIX(shellCmd []string) bool {
	if len(shellCmd) == 0 {
		return true
	}
	name := path.Base(shellCmd[0])
	if name == "env" && len(shellCmd) > 1 {
		name, shellCmd = path.Base(shellCmd[1]), shellCmd[1:]
	}
	if name == "busybox" {
		return len(shellCmd) > 1 && posixShells[path.Base(shellCmd[1])]
	}
	return posixShells[name]
}

// posixShells are the shells whose language this package parses.
var posixShells = map[string]bool{
	"sh": true, "bash": true, "ash": true, "dash": true,
	"zsh": true, "ksh": true, "mksh": true, "ksh93": true,
}

// parseFile runs the strict parser for the error and, when it fails, a
// recovering parser for the commands before and around the error.
func parseFile(src string) (*syntax.File, error) {
	f, err := safeParse(syntax.NewParser(), src)
	if err != nil {
		// `((cmd) || true)` is arithmetic to bash but two subshells to dash,
		// the /bin/sh of Debian images; accept what either shell accepts.
		if pf, perr := safeParse(syntax.NewParser(syntax.Variant(syntax.LangPOSIX)), src); perr == nil {
			return pf, nil
		}
		// Why a third parse: the strict parser drops the statement where the
		// error is; the recovering one keeps it with placeholder positions.
		// It stops at the first byte that is not UTF-8 anyway, and past one
		// it can loop forever (mvdan.cc/sh v3.14.1, found by FuzzClassify):
		// it gets only the text before.
		if rf, _ := safeParse(syntax.NewParser(syntax.RecoverErrors(maxRecovered)), src[:validUTF8Prefix(src)]); rf != nil {
			f = rf
		}
	}
	return f, err
}

// validUTF8Prefix is the length of the longest prefix of s that is valid
// UTF-8.
func validUTF8Prefix(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(s)
}

// safeParse runs one parser. mvdan.cc/sh's parser can panic on hostile
// input (an index out of range in its heredoc handling, found by the soak
// test): that is a script we cannot read, never a crash.
func safeParse(p *syntax.Parser, src string) (f *syntax.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("shell parser failed: %v", r)
		}
	}()
	return p.Parse(strings.NewReader(src), "")
}

// maxRecovered bounds how many missing tokens the recovering parse invents.
const maxRecovered = 8
