package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// errBinary: the file holds NUL bytes, which no Dockerfile has; analysing
// one would only bury the user in findings about garbage.
var errBinary = errors.New("a binary file, not a Dockerfile")

// readDockerfile reads a Dockerfile the user named or check found, which
// may be anything: only a regular file is opened (a FIFO never blocks, a
// device is never read), at most budget.MaxDockerfile bytes, and a binary
// file is refused. It also returns what Stat said of the file it read.
// Symlinks are followed: the user gave the path.
func readDockerfile(path string) ([]byte, fs.FileInfo, error) {
	text, fi, err := safefile.ReadInfo("", path, budget.MaxDockerfile)
	if err != nil {
		return nil, nil, err
	}
	return text, fi, textOnly(path, text)
}

// readDockerfileFrom is readDockerfile for a stream (standard input).
func readDockerfileFrom(r io.Reader, name string) ([]byte, error) {
	text, err := safefile.ReadLimited(r, name, budget.MaxDockerfile)
	if err != nil {
		return nil, err
	}
	return text, textOnly(name, text)
}

// textOnly refuses a binary file: git's rule, a NUL byte.
func textOnly(name string, text []byte) error {
	if bytes.IndexByte(text, 0) >= 0 {
		return fmt.Errorf("%s: %w (it holds NUL bytes)", name, errBinary)
	}
	return nil
}
