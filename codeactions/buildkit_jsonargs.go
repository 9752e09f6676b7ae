package codeactions

import (
	"regexp"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func init() { register(diagnostics.CmdExecForm, fixJSONArgs) }

// fixJSONArgs turns a shell-form CMD into exec form when the shell would
// only have split it into plain words: `CMD python app.py` runs
// /bin/sh -c 'python app.py', which starts python app.py; the exec form
// ["python", "app.py"] starts it directly, and the process then receives
// the container's signals (the point of the check). A leading `exec` is
// dropped, since `sh -c 'exec a b'` also starts a b directly.
//
// It is never in fix-all: the process now runs as PID 1 without a shell.
// No fix when:
//   - a word holds anything the shell would interpret: quotes, $, `,
//     backslashes, globs, redirections, operators, ~, # (or any character
//     outside a short list of plain ones);
//   - the command is a shell builtin or keyword (cd, export, if, ...), or
//     starts with an assignment (FOO=1 cmd), which exist only in a shell;
//   - the stage, or a stage of this file it is built on, has an ENTRYPOINT:
//     the CMD is then the ENTRYPOINT's arguments, which the change would
//     turn from "/bin/sh -c '...'" into the words themselves;
//   - the instruction is an ENTRYPOINT (its exec form would make CMD its
//     arguments) or spans several lines.
func fixJSONArgs(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	in := findingInstruction(doc, f)
	if in == nil || in.Keyword != "CMD" || in.JSONForm || len(in.Heredocs) > 0 || in.Stage < 0 {
		return Action{}, false
	}
	args := trimmedArgs(doc, in)
	if !singleLine(doc, args) {
		return Action{}, false
	}
	words := strings.FieldsFunc(doc.Slice(args), func(r rune) bool { return r == ' ' || r == '\t' })
	if len(words) > 1 && words[0] == "exec" && !strings.HasPrefix(words[1], "-") {
		words = words[1:]
	}
	if len(words) == 0 || strings.Contains(words[0], "=") || shellOnly[words[0]] {
		return Action{}, false
	}
	for _, w := range words {
		if !plainWord.MatchString(w) {
			return Action{}, false
		}
	}
	if hasEntrypoint(doc, doc.Stages[in.Stage]) {
		return Action{}, false
	}
	text := `["` + strings.Join(words, `", "`) + `"]`
	return Action{
		Title: "Convert CMD to exec form (JSON array)",
		Edits: []dockerfile.Edit{{Start: args.Start, End: args.End, Text: text}},
	}, true
}

// plainWord matches a word that sh passes on unchanged (and that needs no
// escaping in JSON).
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./:,+@%=-]+$`)

// shellOnly lists the POSIX and bash keywords and builtins: commands that
// may not exist as a program in the image.
var shellOnly = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`! { } [[ ]] case do done elif else esac fi for function if in
		select then time until while . : [ alias bg bind break builtin caller cd command compgen
		complete continue declare dirs disown echo enable eval exec exit export false fc fg getopts
		hash help history jobs kill let local logout mapfile popd printf pushd pwd read readarray
		readonly return set shift shopt source suspend test times trap true type typeset ulimit
		umask unalias unset wait`) {
		shellOnly[w] = true
	}
}

// hasEntrypoint reports whether a stage, or a stage of this file it is
// built on, has an ENTRYPOINT.
func hasEntrypoint(doc *dockerfile.Document, st *dockerfile.Stage) bool {
	for seen := map[*dockerfile.Stage]bool{}; st != nil && !seen[st]; {
		seen[st] = true
		for _, in := range st.Instructions {
			if in.Keyword == "ENTRYPOINT" {
				return true
			}
		}
		base := doc.FromStage(st.Base, st.Index)
		if base == nil {
			return false
		}
		st = base
	}
	return false
}
