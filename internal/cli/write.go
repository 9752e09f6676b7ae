package cli

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// Why check --fix leaves a file as it is.
var (
	errOutside  = errors.New("it is a symbolic link to a file outside the paths given")
	errChanged  = errors.New("it changed since it was read")
	errReadOnly = errors.New("it is read-only")
)

// Write saves a fixed Dockerfile, if the fixes changed it, as carefully as
// an editor does (see save).
func (r *FileReport) Write() error {
	if r.Fixed == 0 || slices.Equal(r.Doc.Text, r.Original) {
		return nil
	}
	s := saving{path: r.Path, root: r.root, read: r.info, original: r.Original, data: r.Doc.Text}
	if err := s.save(); err != nil {
		return fmt.Errorf("not fixing %s: %w", r.Path, err)
	}
	return nil
}

// The file operations save uses; tests replace them to inject failures.
var (
	writeTemp  = func(f *os.File, data []byte) (int, error) { return f.Write(data) }
	syncTemp   = (*os.File).Sync
	renameTemp = (*os.Root).Rename
	writeOver  = func(f *os.File, data []byte) error {
		if _, err := f.WriteAt(data, 0); err != nil {
			return err
		}
		if err := f.Truncate(int64(len(data))); err != nil {
			return err
		}
		return f.Sync()
	}
	syncDir = func(root *os.Root) {
		if d, err := root.Open("."); err == nil {
			_ = d.Sync() // not every system can sync a folder
			d.Close()
		}
	}
)

// saving is one fixed file to save.
type saving struct {
	path     string      // the file, as given or found
	root     string      // the path given that it was found under (its folder when given itself)
	read     fs.FileInfo // the file when it was read
	original []byte      // its content then
	data     []byte      // the content to save
}

// save replaces the file with s.data so that no reader ever sees a
// half-written file, and leaves it as it is when that cannot be done
// safely:
//   - a symlink is followed only to a file inside s.root (the link stays a
//     link: the file it points to is what changes);
//   - a read-only file is not written;
//   - a file that changed since it was read (another file in its place, or
//     another size, modification time or content) is not written, so that
//     an edit saved meanwhile is kept; this is checked again right before
//     the file is replaced;
//   - the new content goes to a temporary file beside the file, with its
//     mode, owner and group, synced and read back; it is then renamed over
//     the file or, when the file has more than one hard link or its owner
//     cannot be given to a new file, written over the file itself (so that
//     its links are not split, nor its owner changed) and removed.
//
// On any error the file keeps its content and the temporary file is
// removed, unless a write in place failed: then the file gets its old
// content back and the temporary file, named in the error, keeps the new.
func (s saving) save() error {
	dir, name, err := s.resolve()
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	cur, err := s.unchanged(root, name)
	if err != nil {
		return err
	}
	if perm := cur.Mode().Perm(); perm&0o200 == 0 {
		return fmt.Errorf("%w (mode %04o)", errReadOnly, perm)
	}
	tmp, ownerKept, err := s.writeTemp(root, name, cur)
	if err != nil {
		return err
	}
	if links(cur) > 1 || !ownerKept {
		return s.overwrite(root, name, tmp, cur)
	}
	if _, err = s.unchanged(root, name); err == nil {
		err = renameTemp(root, tmp, name)
	}
	if err != nil {
		_ = root.Remove(tmp)
		return err
	}
	syncDir(root) // make the rename itself durable
	return nil
}

// resolve returns the folder and name of the file s.path leads to, which
// must be inside s.root once the symlinks of both are resolved.
func (s saving) resolve() (dir, name string, err error) {
	target, err := filepath.EvalSymlinks(s.path)
	if err != nil {
		return "", "", err
	}
	root, err := filepath.EvalSymlinks(s.root)
	if err != nil {
		return "", "", err
	}
	if target, err = filepath.Abs(target); err != nil {
		return "", "", err
	}
	if root, err = filepath.Abs(root); err != nil {
		return "", "", err
	}
	if rel, err := filepath.Rel(root, target); err != nil || !filepath.IsLocal(rel) {
		return "", "", fmt.Errorf("%w (it leads to %s, outside %s: name that file to fix it)", errOutside, target, s.root)
	}
	return filepath.Dir(target), filepath.Base(target), nil
}

// unchanged returns the file name in root as it is now, or an error
// wrapping errChanged unless it is the file read, as it was.
func (s saving) unchanged(root *os.Root, name string) (fs.FileInfo, error) {
	data, cur, err := safefile.ReadIn(root, name, budget.MaxDockerfile)
	switch {
	case errors.Is(err, safefile.ErrTooLarge):
		return nil, fmt.Errorf("%w: it grew past %d bytes; it is left as it is now", errChanged, budget.MaxDockerfile)
	case err != nil:
		return nil, err
	case !os.SameFile(cur, s.read) || cur.Size() != s.read.Size() || !cur.ModTime().Equal(s.read.ModTime()) || !bytes.Equal(data, s.original):
		return nil, fmt.Errorf("%w: it is left as it is now; run check --fix again to fix it", errChanged)
	}
	return cur, nil
}

// writeTemp writes s.data to a new file beside name with the mode, owner
// and group of cur (name's), syncs it and reads it back; ownerKept is
// false when the owner or group could not be given to it. The file is
// removed on error.
func (s saving) writeTemp(root *os.Root, name string, cur fs.FileInfo) (tmp string, ownerKept bool, err error) {
	tmp = "." + name + ".dockerfile-ls-" + rand.Text()[:8]
	f, err := root.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = root.Remove(tmp)
		}
	}()
	if _, err = writeTemp(f, s.data); err != nil {
		return tmp, false, err
	}
	ownerKept = keepOwner(f, cur) == nil
	// After the owner: changing it clears the setuid and setgid bits.
	if err = f.Chmod(cur.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		return tmp, false, err
	}
	if err = syncTemp(f); err != nil {
		return tmp, false, err
	}
	return tmp, ownerKept, verify(f, s.data)
}

// verify reads f back and compares it with data.
func verify(f *os.File, data []byte) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	back, err := safefile.ReadLimited(f, f.Name(), int64(len(data)))
	if err == nil && !bytes.Equal(back, data) {
		err = fmt.Errorf("%s does not read back as written", f.Name())
	}
	return err
}

// overwrite writes s.data over the file name itself, which keeps its
// inode, so its hard links, owner and group, once the same data is safe in
// the temporary file tmp. tmp is removed when the file is written, else
// kept with the fixed content while the file gets its old one back.
func (s saving) overwrite(root *os.Root, name, tmp string, cur fs.FileInfo) error {
	if _, err := s.unchanged(root, name); err != nil {
		_ = root.Remove(tmp)
		return err
	}
	f, err := safefile.OpenSame(root, name, cur)
	if err != nil {
		_ = root.Remove(tmp)
		return err
	}
	defer f.Close()
	if err := writeOver(f, s.data); err != nil {
		kept := filepath.Join(root.Name(), tmp)
		if rerr := writeOver(f, s.original); rerr != nil {
			return fmt.Errorf("writing in place: %w; restoring the old content failed too (%v): the fixed file is %s", err, rerr, kept)
		}
		return fmt.Errorf("writing in place: %w (the old content is back; the fixed file is %s)", err, kept)
	}
	return root.Remove(tmp)
}
