// Package lspframe reads and writes LSP base-protocol frames
// ("Content-Length: n\r\n\r\n" and n bytes of JSON) for the project's
// client, lsptest.Conn, and for tests that write frames by hand. It is
// strict: a frame the server gets wrong is an error, never skipped. The
// server's own reader, which must survive any input, is lspstream.
package lspframe

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxBody bounds the Content-Length a client accepts from a server.
const MaxBody = 256 << 20

// Read returns the body of the next frame. Blank lines before the headers
// are skipped; headers other than Content-Length are ignored.
func Read(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if length >= 0 {
				break
			}
			continue
		}
		if v, ok := strings.CutPrefix(strings.ToLower(line), "content-length:"); ok {
			if length, err = strconv.Atoi(strings.TrimSpace(v)); err != nil || length < 0 || length > MaxBody {
				return nil, fmt.Errorf("bad Content-Length header %q", line)
			}
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("reading a %d-byte body: %w", length, err)
	}
	return body, nil
}

// Frame puts the header in front of body.
func Frame(body []byte) []byte {
	return fmt.Appendf(nil, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

// Write sends body as one frame in one write, so that writers sharing w
// under a lock never interleave.
func Write(w io.Writer, body []byte) error {
	_, err := w.Write(Frame(body))
	return err
}
