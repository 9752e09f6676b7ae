package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// fix analyses text and applies the fixes source.fixAll would (InFixAll,
// and only those that edit the Dockerfile alone, as the editor's fixAll),
// re-analysing and re-fixing until nothing changes (at most maxFixRounds
// rounds). A round whose fixes would make the file fail to parse (or make
// BuildKit reject more instructions) keeps only the fixes that do not. It
// returns the final document, its findings and the number of fixes
// applied.
func (a *analysis) fix(text []byte) (doc *dockerfile.Document, findings []diagnostics.Finding, applied int) {
	for round := 0; ; round++ {
		doc = dockerfile.Parse(text)
		findings = a.run(doc)
		if round == maxFixRounds {
			return doc, findings, applied
		}
		var candidates []codeactions.Action
		for _, act := range fixesFor(doc, findings, a.bctx) {
			if inFix(act) && changes(text, act.Edits) {
				candidates = append(candidates, act)
			}
		}
		chosen := chooseFixes(candidates)
		if len(chosen) == 0 {
			return doc, findings, applied
		}
		next, err := applyActions(text, chosen)
		if err != nil || breaks(doc, next) {
			// Keep the fixes one by one, as long as the file still parses.
			var kept []codeactions.Action
			for _, act := range chosen {
				try := append(slices.Clone(kept), act)
				if n, err := applyActions(text, try); err == nil && !breaks(doc, n) {
					kept, next = try, n
				}
			}
			if len(kept) == 0 {
				return doc, findings, applied
			}
			chosen = kept
		}
		applied += len(chosen)
		text = next
	}
}

// changes reports whether the edits change text (a fix that rewrites
// text as it is would count as a fix forever).
func changes(text []byte, edits []dockerfile.Edit) bool {
	for _, e := range edits {
		if e.Start < 0 || e.End < e.Start || e.End > len(text) || string(text[e.Start:e.End]) != e.Text {
			return true
		}
	}
	return false
}

// breaks reports whether the fixed text parses worse than doc: a parse
// error it did not have, or more instructions BuildKit rejects.
func breaks(doc *dockerfile.Document, fixed []byte) bool {
	after := dockerfile.Parse(fixed)
	return syntaxErrors(after) > syntaxErrors(doc)
}

func syntaxErrors(doc *dockerfile.Document) int {
	n := 0
	if doc.Error != nil {
		n += 1000
	}
	for _, in := range doc.Instructions {
		if err := in.Err(); err != nil {
			n++
		}
	}
	return n
}

// chooseFixes picks, in the order of their first edit, the fixes whose
// edits overlap no fix picked before; the others wait for the next round.
func chooseFixes(actions []codeactions.Action) []codeactions.Action {
	actions = slices.Clone(actions)
	first := func(a codeactions.Action) int {
		if len(a.Edits) == 0 {
			return -1
		}
		return slices.MinFunc(a.Edits, func(x, y dockerfile.Edit) int { return x.Start - y.Start }).Start
	}
	slices.SortStableFunc(actions, func(x, y codeactions.Action) int { return first(x) - first(y) })
	var taken []dockerfile.Edit
	var out []codeactions.Action
	for _, a := range actions {
		if slices.ContainsFunc(a.Edits, func(e dockerfile.Edit) bool {
			return slices.ContainsFunc(taken, func(t dockerfile.Edit) bool { return overlaps(e, t) })
		}) {
			continue
		}
		taken = append(taken, a.Edits...)
		out = append(out, a)
	}
	return out
}

// overlaps reports whether two edits touch the same bytes, or insert at
// the same place (their order would be ambiguous).
func overlaps(a, b dockerfile.Edit) bool {
	return a.Start < b.End && b.Start < a.End || a.Start == b.Start
}

func applyActions(text []byte, actions []codeactions.Action) ([]byte, error) {
	var edits []dockerfile.Edit
	for _, a := range actions {
		edits = append(edits, a.Edits...)
	}
	return applyEdits(text, edits)
}

// applyEdits applies non-overlapping edits, all in text's offsets, in one
// pass.
func applyEdits(text []byte, edits []dockerfile.Edit) ([]byte, error) {
	edits = slices.Clone(edits)
	slices.SortStableFunc(edits, func(a, b dockerfile.Edit) int { return a.Start - b.Start })
	out := make([]byte, 0, len(text))
	pos := 0
	for i, e := range edits {
		if e.Start < 0 || e.End < e.Start || e.End > len(text) {
			return nil, fmt.Errorf("edit [%d,%d) is outside the text (%d bytes)", e.Start, e.End, len(text))
		}
		if i > 0 && overlaps(edits[i-1], e) {
			return nil, fmt.Errorf("edits [%d,%d) and [%d,%d) overlap", edits[i-1].Start, edits[i-1].End, e.Start, e.End)
		}
		out = append(append(out, text[pos:e.Start]...), e.Text...)
		pos = e.End
	}
	return append(out, text[pos:]...), nil
}

// write saves a fixed Dockerfile.
func (r *fileReport) write() error {
	if r.fixed == 0 || slices.Equal(r.doc.Text, r.original) {
		return nil
	}
	return writeFileAtomic(r.path, r.doc.Text)
}

// The file operations writeFileAtomic uses; tests replace them to inject
// failures.
var (
	writeTemp  = func(f *os.File, data []byte) (int, error) { return f.Write(data) }
	syncTemp   = (*os.File).Sync
	renameTemp = os.Rename
	syncDir    = func(dir string) {
		if d, err := os.Open(dir); err == nil {
			_ = d.Sync() // not every system can sync a folder
			d.Close()
		}
	}
)

// writeFileAtomic replaces the file at path with data so that no reader
// ever sees a half-written file: it writes a temporary file beside the
// real one, syncs it, and renames it over. A symbolic link stays a link:
// the file it points to is what changes. The file's permission bits are
// kept (new files get 0644). On any error the original file is untouched
// and the temporary file removed.
func writeFileAtomic(path string, data []byte) (err error) {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(target); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
		mode = st.Mode().Perm()
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".dockerfile-ls-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if _, err = writeTemp(tmp, data); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = syncTemp(tmp); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = renameTemp(tmp.Name(), target); err != nil {
		return err
	}
	syncDir(dir) // make the rename itself durable
	return nil
}

// printDiff prints what --fix would change, as a unified diff.
func (c *checker) printDiff(r *fileReport) {
	a, b := filepath.ToSlash(r.path), filepath.ToSlash(r.path)
	if !filepath.IsAbs(r.path) {
		a, b = "a/"+a, "b/"+b
	}
	_, _ = fmt.Fprint(c.o.stdout, unifiedDiff(a, b, r.original, r.doc.Text))
}
