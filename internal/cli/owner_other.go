//go:build !unix

package cli

import (
	"io/fs"
	"os"
)

// links is 1 where a FileInfo does not count hard links.
func links(fs.FileInfo) uint64 { return 1 }

// keepOwner does nothing where files have no owner to keep.
func keepOwner(*os.File, fs.FileInfo) error { return nil }
