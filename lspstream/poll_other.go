//go:build !unix

package lspstream

import "io"

// pollable is r: see poll_unix.go.
func pollable(r io.Reader) io.Reader { return r }
