package lspframe

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	for _, body := range []string{`{"a":1}`, "", `{"text":"héllo\r\n"}`} {
		if err := Write(&buf, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	r := bufio.NewReader(&buf)
	for _, want := range []string{`{"a":1}`, "", `{"text":"héllo\r\n"}`} {
		got, err := Read(r)
		if err != nil || string(got) != want {
			t.Fatalf("Read = %q, %v; want %q", got, err, want)
		}
	}
}

func TestReadRejects(t *testing.T) {
	for _, in := range []string{
		"Content-Length: x\r\n\r\n",
		"Content-Length: -1\r\n\r\n",
		"Content-Length: 999999999999\r\n\r\n",
		"Content-Length: 10\r\n\r\n{}", // truncated body
		"Content-Type: json\r\n",       // no end of headers
	} {
		if _, err := Read(bufio.NewReader(strings.NewReader(in))); err == nil {
			t.Errorf("Read(%q) accepted it", in)
		}
	}
}

func TestReadSkipsLeadingBlankLinesAndOtherHeaders(t *testing.T) {
	in := "\r\ncontent-type: application/vscode-jsonrpc\r\nCONTENT-LENGTH: 2\r\n\r\n{}"
	if got, err := Read(bufio.NewReader(strings.NewReader(in))); err != nil || string(got) != "{}" {
		t.Fatalf("Read = %q, %v", got, err)
	}
}
