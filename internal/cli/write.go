package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Write saves a fixed Dockerfile, if the fixes changed it.
func (r *FileReport) Write() error {
	if r.Fixed == 0 || slices.Equal(r.Doc.Text, r.Original) {
		return nil
	}
	return writeFileAtomic(r.Path, r.Doc.Text)
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
