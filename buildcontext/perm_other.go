//go:build !unix

package buildcontext

import "io/fs"

// readable cannot be predicted from mode bits outside Unix; read errors there
// surface only when BuildKit itself opens the file.
func readable(fs.FileInfo) bool { return true }
