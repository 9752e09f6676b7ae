package buildkitcheck

import (
	"context"
	"testing"
)

// TestCancelledPassStopsEarly: a pass whose context is cancelled stops
// where BuildKit first consults it, before converting the instructions:
// it allocates well under half of what a whole pass does (a counter, not
// a clock), and reports nothing, not BuildKit's "context canceled".
func TestCancelledPassStopsEarly(t *testing.T) {
	text := genDockerfile(20, 300)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	res := Run(cancelled, text, Options{})
	if res.ParseError != nil || len(res.Checks) != 0 {
		t.Fatalf("a cancelled pass reported %d checks and %v", len(res.Checks), res.ParseError)
	}
	whole := testing.AllocsPerRun(1, func() { Run(context.Background(), text, Options{}) })
	stopped := testing.AllocsPerRun(1, func() { Run(cancelled, text, Options{}) })
	t.Logf("allocations: whole pass %.0f, cancelled %.0f", whole, stopped)
	if stopped > whole/2 {
		t.Errorf("a cancelled pass allocated %.0f times, a whole one %.0f: it did not stop before converting", stopped, whole)
	}
}
