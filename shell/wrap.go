package shell

import (
	"path"
	"slices"
	"strings"
)

// wrapper describes a program that runs the command given after its own
// options, so that `sudo -u app pip install x` is seen as pip.
type wrapper struct {
	valueShort string   // short options that take a value (`-u USER`)
	valueLong  []string // long options that take a value unless written --opt=value
	assigns    bool     // NAME=value words before the command set its environment
	operands   int      // operands before the command (`gosu USER cmd`)
}

var wrappers = map[string]wrapper{
	"env":       {valueShort: "uCS", valueLong: []string{"--unset", "--chdir", "--split-string"}, assigns: true},
	"sudo":      {valueShort: "CDghpRrTtUu", valueLong: []string{"--close-from", "--chdir", "--group", "--host", "--prompt", "--chroot", "--role", "--command-timeout", "--type", "--other-user", "--user"}, assigns: true},
	"xargs":     {valueShort: "adEILnPs", valueLong: []string{"--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-chars", "--process-slot-var"}},
	"nohup":     {},
	"exec":      {valueShort: "a"},
	"time":      {valueShort: "fo", valueLong: []string{"--format", "--output"}},
	"nice":      {valueShort: "n", valueLong: []string{"--adjustment"}},
	"timeout":   {valueShort: "ks", valueLong: []string{"--kill-after", "--signal"}, operands: 1},
	"stdbuf":    {valueShort: "ioe", valueLong: []string{"--input", "--output", "--error"}},
	"gosu":      {operands: 1},
	"su-exec":   {operands: 1},
	"chroot":    {valueLong: []string{"--userspec", "--groups"}, operands: 1},
	"eatmydata": {},
}

// unwrap splits the words of a simple command into the wrapper words in
// front, the NAME=value words given to the wrappers, and the command that
// finally runs. A wrapper with nothing to run (a bare `env`) is the command.
func unwrap(words []argWord) (prefix, env, rest []argWord) {
	rest = words
	for guard := 0; guard < 8 && len(rest) > 0; guard++ {
		spec, ok := wrappers[baseName(rest[0])]
		if !ok {
			break
		}
		n, assigns := spec.skip(rest)
		if n >= len(rest) {
			break
		}
		for i := 0; i < n; i++ {
			if !assigns[i] {
				prefix = append(prefix, rest[i])
			} else {
				env = append(env, rest[i])
			}
		}
		rest = rest[n:]
	}
	return prefix, env, rest
}

// skip returns the index of the wrapped command in words (words[0] is the
// wrapper) and which of the skipped words are NAME=value assignments.
func (spec wrapper) skip(words []argWord) (int, map[int]bool) {
	assigns := map[int]bool{}
	operands := spec.operands
	i := 1
	for i < len(words) {
		a := words[i]
		v := a.Value
		switch {
		case a.Dynamic:
			return i, assigns // `sudo $CMD`: the dynamic word is the command
		case v == "--":
			return i + 1, assigns
		case strings.HasPrefix(v, "--"):
			i += 1 + spec.longValue(v)
		case len(v) > 1 && v[0] == '-':
			i += 1 + spec.shortValue(v)
		case spec.assigns && isAssignment(v):
			assigns[i] = true
			i++
		case operands > 0:
			operands--
			i++
		default:
			return i, assigns
		}
	}
	return i, assigns
}

// longValue is 1 when a long option takes the next word as its value.
func (spec wrapper) longValue(opt string) int {
	if !strings.Contains(opt, "=") && slices.Contains(spec.valueLong, opt) {
		return 1
	}
	return 0
}

// shortValue is 1 when a cluster of short options ends with one that takes
// the next word as its value (`-u app`, but not `-uapp`).
func (spec wrapper) shortValue(opt string) int {
	for j := 1; j < len(opt); j++ {
		if strings.IndexByte(spec.valueShort, opt[j]) >= 0 {
			if j == len(opt)-1 {
				return 1
			}
			return 0
		}
	}
	return 0
}

// isAssignment reports whether s is NAME=value with a valid shell name.
func isAssignment(s string) bool {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 {
		return false
	}
	for i := 0; i < eq; i++ {
		c := s[i]
		letter := c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func baseName(a argWord) string {
	if a.Dynamic || a.Value == "" {
		return ""
	}
	return path.Base(a.Value)
}

// scriptArg finds the script of `sh -c SCRIPT`, `bash -ec SCRIPT`,
// `busybox sh -c SCRIPT` or `su USER -c SCRIPT`.
func scriptArg(args []argWord) (argWord, bool) {
	if len(args) < 2 {
		return argWord{}, false
	}
	name := baseName(args[0])
	if name == "busybox" {
		args = args[1:]
		name = baseName(args[0])
	}
	if name == "su" {
		return suCommand(args)
	}
	if !posixShells[name] {
		return argWord{}, false
	}
	return shellScript(args)
}

// shellScript applies sh's rule: with -c among the options, the first
// operand is the script (later operands are $0, $1, ...).
func shellScript(args []argWord) (argWord, bool) {
	hasC := false
	for i := 1; i < len(args); i++ {
		v := args[i].Value
		switch {
		case args[i].Dynamic || v == "" || v == "--" || v == "-" || (v[0] != '-' && v[0] != '+'):
			if v == "--" || v == "-" {
				i++
			}
			if hasC && i < len(args) {
				return args[i], true
			}
			return argWord{}, false
		case v == "-o" || v == "+o" || v == "-O" || v == "+O" || v == "--rcfile" || v == "--init-file":
			i++ // the option's value
		case strings.HasPrefix(v, "--"):
			// --login, --norc, ...: no -c in them
		default:
			hasC = hasC || strings.ContainsRune(v[1:], 'c')
		}
	}
	return argWord{}, false
}

// suCommand finds the value of su's -c/--command option.
func suCommand(args []argWord) (argWord, bool) {
	for i := 1; i < len(args); i++ {
		v := args[i].Value
		switch {
		case (v == "-c" || v == "--command") && i+1 < len(args):
			return args[i+1], true
		case strings.HasPrefix(v, "--command="):
			return args[i].from(len("--command=")), true
		}
	}
	return argWord{}, false
}
