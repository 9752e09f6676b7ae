// Package lspstream is a fault-tolerant LSP base-protocol framer for
// go.lsp.dev/jsonrpc2.
//
// jsonrpc2's own header stream returns an error for a malformed frame, which
// terminates the whole connection. An editor (or a stray byte on stdin) should
// not be able to kill the language server that way, so this Stream answers bad
// frames with a JSON-RPC error response where that is meaningful, logs them,
// resynchronises on the next "Content-Length:" and keeps reading. Only the end
// of input (or a failing reader/writer) ends Read.
//
// Writes are delegated to jsonrpc2's header framing so that output is framed
// exactly as the library frames it.
package lspstream

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"go.lsp.dev/jsonrpc2"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// MaxContentLength is the largest body accepted (budget.MaxRequest). The
// body is allocated before it is read, so a hostile or corrupted header
// must not be able to demand an arbitrary allocation (jsonrpc2's own cap is
// 1 GiB).
const MaxContentLength = budget.MaxRequest

// maxHeaderLine bounds a single header line. Real header lines are ~20-50
// bytes; anything longer is garbage and is handled by resynchronisation
// rather than buffered without bound.
const maxHeaderLine = 4096

// pattern is the resynchronisation anchor, lowercase for case folding.
const pattern = "content-length:"

// New returns a jsonrpc2.Stream that reads LSP frames from r (normally
// os.Stdin) and writes them to w (normally os.Stdout). A nil logger discards
// diagnostics.
//
// Read never fails because of a malformed frame: an undecodable body or a
// broken header block that looks like an attempted message is answered with
// an error response carrying a null id (-32700 ParseError, or -32600
// InvalidRequest for valid JSON that is not a JSON-RPC message, including
// batches, which LSP does not use); stray bytes are skipped silently apart
// from a log line. Read returns io.EOF at a clean end of input and
// io.ErrUnexpectedEOF when input ends inside a header block or body.
//
// The stream deliberately does not implement jsonrpc2's internal ReadFrame
// fast path, so jsonrpc2.Conn always goes through Read.
func New(r io.Reader, w io.WriteCloser, logger *slog.Logger) jsonrpc2.Stream {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r = pollable(r)
	s := &stream{
		in:  &pushbackReader{r: bufio.NewReader(r)},
		out: jsonrpc2.NewHeaderStream(writeOnly{w}),
		log: logger,
	}
	s.rc, _ = r.(io.Closer)
	return s
}

type stream struct {
	in  *pushbackReader
	rc  io.Closer       // r, if it can be closed
	out jsonrpc2.Stream // jsonrpc2's header framer over w; its Write is mutex-serialised
	log *slog.Logger
	buf []byte // current header line; Read is single-goroutine by contract
}

// headerError describes a rejected header block.
type headerError struct {
	reason string
	line   []byte // offending line, if any; resync restarts after its first byte
	reply  bool   // the block looked like an attempted message, so answer it
}

func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		length, hdrLen, herr, err := s.readHeader()
		if err != nil {
			return nil, 0, err
		}
		if herr != nil {
			s.log.Warn("lspstream: invalid LSP header, resynchronising", "reason", herr.reason, "line", truncate(herr.line))
			if herr.reply {
				if err := s.replyError(ctx, jsonrpc2.ParseError, "invalid LSP header: "+herr.reason); err != nil {
					return nil, 0, err
				}
			}
			if len(herr.line) > 0 {
				// The anchor may hide inside the bad line itself, e.g. when a
				// too-short Content-Length left the tail of a body in front of
				// the next header ("...}Content-Length: 52").
				s.in.unread(herr.line[1:])
			}
			skipped, err := s.resync()
			if err != nil {
				return nil, 0, err
			}
			s.log.Info("lspstream: resynchronised", "skippedBytes", skipped)
			continue
		}

		// A fresh buffer per frame: the decoded message may borrow it, and
		// jsonrpc2 may retain it past the next Read.
		body := make([]byte, length)
		if _, err := io.ReadFull(s.in, body); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, 0, err
		}
		msg, derr := jsonrpc2.DecodeMessage(body)
		if derr == nil {
			return msg, int64(hdrLen + length), nil
		}
		// DecodeMessage reports ErrParse for any non-object; json.Valid
		// separates "not JSON" from "JSON but not a JSON-RPC message".
		code, what := jsonrpc2.ParseError, "body is not valid JSON"
		if json.Valid(body) {
			code, what = jsonrpc2.InvalidRequest, "body is not a valid JSON-RPC message"
		}
		s.log.Warn("lspstream: "+what, "error", derr, "body", truncate(body))
		if err := s.replyError(ctx, code, what); err != nil {
			return nil, 0, err
		}
		// The framing itself was intact, so just continue with the next frame.
	}
}

// readHeader parses one header block. Exactly one of herr and err is set on
// failure: herr for a recoverable protocol problem, err for an I/O condition
// that ends the stream.
func (s *stream) readHeader() (length, n int, herr *headerError, err error) {
	length = -1
	for started := false; ; {
		line, complete, err := s.readLine()
		if err != nil {
			if err == io.EOF && (started || len(line) > 0) {
				err = io.ErrUnexpectedEOF
			}
			return 0, 0, nil, err
		}
		n += len(line)
		if !complete {
			return 0, 0, &headerError{reason: "header line too long", line: line, reply: length >= 0}, nil
		}
		field := trimEOL(line)
		if len(field) == 0 {
			if !started {
				continue // stray blank line between frames: harmless, skip quietly
			}
			if length < 0 {
				return 0, 0, &headerError{reason: "missing Content-Length", reply: true}, nil
			}
			return length, n, nil, nil
		}
		started = true
		name, value, ok := splitField(field)
		if !ok {
			// Not a header field at all: stray output rather than a message, so
			// answer only if a Content-Length already announced one.
			return 0, 0, &headerError{reason: "malformed header line", line: line, reply: length >= 0}, nil
		}
		if !equalFold(name, pattern[:len(pattern)-1]) {
			continue // Content-Type and unknown fields are ignored, as in jsonrpc2
		}
		v, reason := parseLength(value)
		if reason == "" && length >= 0 && v != length {
			reason = "conflicting Content-Length headers"
		}
		if reason != "" {
			return 0, 0, &headerError{reason: reason, line: line, reply: true}, nil
		}
		length = v
	}
}

// readLine reads one line including its '\n' into s.buf. complete is false
// when the line exceeded maxHeaderLine; at EOF the partial line is returned
// with io.EOF.
func (s *stream) readLine() (line []byte, complete bool, err error) {
	s.buf = s.buf[:0]
	for len(s.buf) < maxHeaderLine {
		c, err := s.in.ReadByte()
		if err != nil {
			return s.buf, false, err
		}
		s.buf = append(s.buf, c)
		if c == '\n' {
			return s.buf, true, nil
		}
	}
	return s.buf, false, nil
}

// resync discards input up to the next case-insensitive "Content-Length:"
// anywhere in the stream, then pushes that anchor back so readHeader starts
// from it. Matching inside lines (not only at line starts) matters because LSP
// bodies are not newline-terminated: the next header usually directly follows
// the skipped bytes. Every failed attempt consumes at least one byte, so
// Read always makes progress.
func (s *stream) resync() (skipped int, err error) {
	matched := 0
	for {
		c, err := s.in.ReadByte()
		if err != nil {
			return skipped, err // EOF while skipping garbage is a clean end
		}
		skipped++
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case c == pattern[matched]:
			matched++
		case c == pattern[0]: // 'c' occurs only at the start of pattern
			matched = 1
		default:
			matched = 0
		}
		if matched == len(pattern) {
			s.in.unread([]byte("Content-Length:"))
			return skipped - len(pattern), nil
		}
	}
}

// replyError writes an error response with a null id; the offending message's
// id cannot be trusted (or even found) in a frame that failed to decode.
func (s *stream) replyError(ctx context.Context, code jsonrpc2.Code, msg string) error {
	resp := jsonrpc2.NewResponse(jsonrpc2.ID{}, nil, jsonrpc2.NewError(code, msg))
	if _, err := s.out.Write(ctx, resp); err != nil {
		// If the peer cannot be written to, the connection is over anyway.
		return fmt.Errorf("lspstream: writing error response: %w", err)
	}
	return nil
}

func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	return s.out.Write(ctx, msg)
}

// Close closes the writer and, if it is closable, the reader; closing the
// reader is what unblocks a Read parked on stdin when jsonrpc2.Conn shuts down.
func (s *stream) Close() error {
	err := s.out.Close()
	if s.rc != nil {
		err = errors.Join(err, s.rc.Close())
	}
	return err
}

// pushbackReader lets resynchronisation re-scan bytes it already consumed.
type pushbackReader struct {
	pending []byte
	r       *bufio.Reader
}

// unread queues a copy of b (callers pass slices of reused buffers) in front
// of the remaining input.
func (p *pushbackReader) unread(b []byte) {
	p.pending = append(append([]byte(nil), b...), p.pending...)
}

func (p *pushbackReader) ReadByte() (byte, error) {
	if len(p.pending) > 0 {
		c := p.pending[0]
		p.pending = p.pending[1:]
		return c, nil
	}
	return p.r.ReadByte()
}

func (p *pushbackReader) Read(b []byte) (int, error) {
	if len(p.pending) > 0 {
		n := copy(b, p.pending)
		p.pending = p.pending[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// writeOnly adapts w to the io.ReadWriteCloser jsonrpc2.NewHeaderStream wants;
// that stream is only ever used for writing.
type writeOnly struct{ io.WriteCloser }

func (writeOnly) Read([]byte) (int, error) { return 0, errors.New("lspstream: write-only") }

// parseLength validates a Content-Length value; reason is empty when valid.
// Zero is accepted: the empty body then fails to decode and is answered as a
// parse error without losing synchronisation.
func parseLength(v []byte) (n int, reason string) {
	if len(v) == 0 {
		return 0, "empty Content-Length"
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, "non-numeric Content-Length " + strconv.Quote(string(v))
		}
	}
	u, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil || u > MaxContentLength {
		return 0, fmt.Sprintf("Content-Length %s exceeds limit %d", v, MaxContentLength)
	}
	return int(u), ""
}

// splitField splits "Name: value". The name must be a non-empty RFC 9110
// token, so lines like `}Content-Length: 5` (body tail glued to a header) are
// recognised as garbage and resynchronised instead of silently ignored.
func splitField(f []byte) (name, value []byte, ok bool) {
	i := 0
	for i < len(f) && isTokenChar(f[i]) {
		i++
	}
	if i == 0 || i == len(f) || f[i] != ':' {
		return nil, nil, false
	}
	value = f[i+1:]
	for len(value) > 0 && (value[0] == ' ' || value[0] == '\t') {
		value = value[1:]
	}
	for len(value) > 0 && (value[len(value)-1] == ' ' || value[len(value)-1] == '\t') {
		value = value[:len(value)-1]
	}
	return f[:i], value, true
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// trimEOL drops the "\n" or "\r\n" terminator (bare "\n" accepted like jsonrpc2).
func trimEOL(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold compares ASCII case-insensitively; lower must be lowercase.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// truncate keeps log lines short and never logs a whole (possibly huge) body.
func truncate(b []byte) string {
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
