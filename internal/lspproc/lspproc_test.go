package lspproc

import (
	"io"
	"strings"
	"testing"
	"time"
)

// Output written just before exit is all read, then EOF; the exit code
// comes back.
func TestOutputThenExit(t *testing.T) {
	p, err := Start([]string{"sh", "-c", `read x; printf '%s' "$x$x"; exit 3`}, "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(p.Stdin, "ab\n"); err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(p.Stdout)
	if err != nil || string(out) != "abab" {
		t.Errorf("read %q, %v; want \"abab\"", out, err)
	}
	if code, ok := p.WaitExit(10 * time.Second); !ok || code != 3 {
		t.Errorf("exit code %d (exited: %v), want 3", code, ok)
	}
}

// A server that ignores the end of its input is killed after the grace.
func TestCloseKillsAfterGrace(t *testing.T) {
	p, err := Start([]string{"sh", "-c", "trap '' HUP; exec sleep 30"}, "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code := p.Close(100 * time.Millisecond); code != -1 {
		t.Errorf("exit code %d, want -1 (killed)", code)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Close took %s", d)
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := Start(nil, "", io.Discard); err == nil {
		t.Error("no error for an empty command")
	}
	_, err := Start([]string{"/nonexistent/server"}, "", io.Discard)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/server") {
		t.Errorf("error %v does not name the command", err)
	}
}

// A relative command path is taken from where the caller runs, not from
// the server's folder.
func TestRelativeCommandWithDir(t *testing.T) {
	t.Chdir("/bin")
	p, err := Start([]string{"./sh", "-c", "exit 0"}, t.TempDir(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if code, ok := p.WaitExit(10 * time.Second); !ok || code != 0 {
		t.Errorf("exit code %d (exited: %v), want 0", code, ok)
	}
}
