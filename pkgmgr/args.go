package pkgmgr

import (
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// parsedArgs is a command line split into flags and positional words.
type parsedArgs struct {
	flags      map[string]string
	positional []shell.Word
	files      []string // values of FileFlags
	paths      []string // values of PathFlags
}

// parseArgs splits the words after the command. Knowing which flags take a
// value matters: in `apk add --virtual .deps gcc`, ".deps" is not a package.
func (m *Manager) parseArgs(words []shell.Word) parsedArgs {
	p := parsedArgs{flags: map[string]string{}}
	for i := 0; i < len(words); i++ {
		t := text(words[i])
		switch {
		case t == "--":
			p.positional = append(p.positional, words[i+1:]...)
			return p
		case strings.HasPrefix(t, "--") || (strings.HasPrefix(t, "-") && len(t) > 1 && !m.Clusters):
			i += m.longFlag(&p, t, words[i+1:])
		case strings.HasPrefix(t, "-") && len(t) > 1:
			i += m.shortFlags(&p, t, words[i+1:])
		default:
			p.positional = append(p.positional, words[i])
		}
	}
	return p
}

// longFlag records "--name", "--name=value" or "--name value" (also single
// dash flags of managers without clusters: go's -ldflags, mvn's -DskipTests)
// and returns how many following words it consumed.
func (m *Manager) longFlag(p *parsedArgs, t string, next []shell.Word) int {
	name, value, hasValue := strings.Cut(t, "=")
	used := 0
	if !hasValue && slices.Contains(m.ValueFlags, name) && len(next) > 0 {
		value, used = text(next[0]), 1
	}
	m.record(p, name, value)
	return used
}

// shortFlags records a cluster such as "-yq" or "-rrequirements.txt": the
// letters are flags until one takes a value, which is the rest of the word
// or else the next word.
func (m *Manager) shortFlags(p *parsedArgs, t string, next []shell.Word) int {
	for j := 1; j < len(t); j++ {
		name := "-" + t[j:j+1]
		if !slices.Contains(m.ValueFlags, name) {
			m.record(p, name, "")
			continue
		}
		if rest := strings.TrimPrefix(t[j+1:], "="); rest != "" {
			m.record(p, name, rest)
			return 0
		}
		if len(next) > 0 {
			m.record(p, name, text(next[0]))
			return 1
		}
		m.record(p, name, "")
		return 0
	}
	return 0
}

func (m *Manager) record(p *parsedArgs, name, value string) {
	p.flags[name] = value
	switch {
	case value == "":
	case slices.Contains(m.FileFlags, name):
		p.files = append(p.files, value)
	case slices.Contains(m.PathFlags, name):
		p.paths = append(p.paths, value)
	}
}
