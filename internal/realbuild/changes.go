package realbuild

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// installCommand matches a package install: apt-get install, npm ci,
// yarn add, pip install…
var installCommand = regexp.MustCompile(`\b(?:apt-get|apt|npm|yarn|pip3?)(?:\s+-\S+)*\s+(?:install|ci|add)\b`)

// EditInstallLine is the CI runner's second change: the last shell-form
// RUN that installs packages is edited (its command now starts with
// "true && "), so that on builder B it runs while the RUNs before it are
// cache hits. ok is false when no RUN installs.
func EditInstallLine(text []byte) (out []byte, ok bool) {
	doc := dockerfile.Parse(text)
	at := -1
	for _, in := range doc.Instructions {
		if in.Keyword == "RUN" && !in.JSONForm && len(in.Heredocs) == 0 && installCommand.MatchString(doc.Slice(in.ArgsSpan)) {
			at = in.ArgsSpan.Start
		}
	}
	if at < 0 {
		return nil, false
	}
	out = append(append(append([]byte{}, text[:at]...), "true && "...), text[at:]...)
	return out, true
}

// EditAppFile copies the context src to dst with one change to its
// application file: the CI runner's first change, a code change.
func EditAppFile(c *Context, dst string) error {
	if c.AppFile == "" {
		return fmt.Errorf("realbuild: the context has no application file")
	}
	if err := copyDir(c.Dir, dst); err != nil {
		return fmt.Errorf("realbuild: copying the context: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dst, filepath.FromSlash(c.AppFile)), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString("a code change\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// copyDir copies a generated context: folders and regular files, modes
// kept.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm())
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}
