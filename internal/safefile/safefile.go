// Package safefile reads the files of a repository the server or the CLI
// did not write and cannot trust: a .dockerignore, a project file, a
// Compose or bake file. Such a file may be a FIFO (opening or reading it
// blocks), a device or a symlink to one (/dev/zero never ends), a symlink
// out of the repository (/etc/passwd), or just enormous. Read opens only
// regular files, without ever blocking on the open, reads at most a given
// size, and resolves the path inside a root it cannot leave.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The size limits, in one place. Real files are a few KB: a .dockerignore
// of a large monorepo stays under 64 KB, a Compose file of dozens of
// services under 100 KB. A MiB leaves an order of magnitude of room and
// bounds what a hostile file costs to read and parse.
const (
	// MaxIgnoreFile bounds .dockerignore, <Dockerfile>.dockerignore,
	// .containerignore and .gitignore.
	MaxIgnoreFile = 1 << 20
	// MaxProjectFile bounds .dockerfile-ls.yaml, Compose and bake files
	// and Compose's .env.
	MaxProjectFile = 1 << 20
)

var (
	// ErrNotRegular: the path is a FIFO, a device, a socket or a
	// directory, which are never opened for reading.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file (or stream) is larger than the limit it is
	// read with.
	ErrTooLarge = errors.New("too large")
	// ErrOutsideRoot: the path, or a symlink on the way to it, leads out of
	// the root it must stay in.
	ErrOutsideRoot = errors.New("leads outside the folder it must stay in")
)

// Read returns the content of the regular file at path, which must be at
// most limit bytes. When root is not "", path must be inside root and is
// resolved within it: a symlink may point anywhere inside root but not
// outside it, and absolute symlinks are refused (os.Root's rule). root ""
// is for a path the user named (a --config flag), where only the kind and
// size of the file are checked.
//
// The file is opened with O_NONBLOCK, so a FIFO swapped in after the
// check still never blocks the open, and checked again once open.
func Read(root, path string, limit int64) ([]byte, error) {
	data, _, err := ReadInfo(root, path, limit)
	return data, err
}

// ReadInfo is Read that also returns what the open file's Stat said
// before it was read: a caller that writes the file back compares it with
// the file then there to tell whether someone changed it meanwhile.
func ReadInfo(root, path string, limit int64) ([]byte, fs.FileInfo, error) {
	f, err := open(root, path)
	if err != nil {
		return nil, nil, err
	}
	return readOpen(f, path, limit)
}

// ReadIn is ReadInfo for the file name inside the open folder r, for a
// caller that must keep working in one folder even if its path is
// changed meanwhile (check --fix). Symlinks may not leave r.
func ReadIn(r *os.Root, name string, limit int64) ([]byte, fs.FileInfo, error) {
	fi, err := r.Stat(name)
	if err != nil {
		return nil, nil, outside(err, name, r.Name())
	}
	if err := check(name, fi, -1); err != nil {
		return nil, nil, err
	}
	f, err := r.OpenFile(name, os.O_RDONLY|nonBlocking, 0)
	if err != nil {
		return nil, nil, outside(err, name, r.Name())
	}
	return readOpen(f, name, limit)
}

// OpenSame opens the file name inside r for writing in place, without
// blocking (a FIFO put in its place meanwhile is not waited on) and
// without truncating it, and only if it is still the file want describes.
func OpenSame(r *os.Root, name string, want fs.FileInfo) (*os.File, error) {
	f, err := r.OpenFile(name, os.O_WRONLY|nonBlocking, 0)
	if err != nil {
		return nil, outside(err, name, r.Name())
	}
	fi, err := f.Stat()
	if err == nil && !os.SameFile(fi, want) {
		err = fmt.Errorf("%s: another file took its place", name)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// readOpen reads the open file f, checking again what it is now that it
// is open, and closes it.
func readOpen(f *os.File, path string, limit int64) ([]byte, fs.FileInfo, error) {
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if err := check(path, fi, limit); err != nil {
		return nil, nil, err
	}
	data, err := ReadLimited(f, path, limit)
	return data, fi, err
}

// ReadLimited reads r to its end, but at most limit bytes: a longer
// stream (a file that grew after its size was checked, standard input)
// is refused with ErrTooLarge once limit+1 bytes are in, never read whole.
// name names r in errors.
func ReadLimited(r io.Reader, name string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(name, limit)
	}
	return data, nil
}

// Stat returns what Read would open at path, following symlinks within
// root (see Read) but not reading anything: the caller can tell a missing
// file from one that is there but must not be read.
func Stat(root, path string) (fs.FileInfo, error) {
	if root == "" {
		return os.Stat(path)
	}
	r, name, err := openRoot(root, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fi, err := r.Stat(name)
	return fi, outside(err, path, root)
}

// open opens path for reading after checking, without opening it, that it
// is a regular file: opening a device can have effects of its own.
func open(root, path string) (*os.File, error) {
	fi, err := Stat(root, path)
	if err != nil {
		return nil, err
	}
	if err := check(path, fi, -1); err != nil {
		return nil, err
	}
	if root == "" {
		return os.OpenFile(path, os.O_RDONLY|nonBlocking, 0)
	}
	r, name, err := openRoot(root, path)
	if err != nil {
		return nil, err
	}
	defer r.Close() // an open file outlives its Root
	f, err := r.OpenFile(name, os.O_RDONLY|nonBlocking, 0)
	return f, outside(err, path, root)
}

// openRoot opens root and gives path's name inside it.
func openRoot(root, path string) (*os.Root, string, error) {
	name, err := filepath.Rel(root, path)
	if err != nil || !filepath.IsLocal(name) {
		return nil, "", outsideRoot(path, root)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, "", err
	}
	return r, name, nil
}

// outside names the root in os.Root's error for a path that escapes it.
func outside(err error, path, root string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err.Error() == "path escapes from parent" {
		return outsideRoot(path, root)
	}
	return err
}

func outsideRoot(path, root string) error {
	return fmt.Errorf("%s: %w (%s)", path, ErrOutsideRoot, root)
}

// Regular returns an error wrapping ErrNotRegular, which names the kind
// of file, unless fi (path's) is a regular file.
func Regular(path string, fi fs.FileInfo) error {
	return check(path, fi, -1)
}

// check refuses what is not a regular file or, when limit >= 0, is larger
// than limit.
func check(path string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(fi.Mode()))
	}
	if limit >= 0 && fi.Size() > limit {
		return tooLarge(path, limit)
	}
	return nil
}

func tooLarge(path string, limit int64) error {
	return fmt.Errorf("%s: %w (more than %s)", path, ErrTooLarge, size(limit))
}

// size says a byte count as a person reads it: 4 MiB, 64 KiB, 100 bytes.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// kind names a file's type for messages.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}
