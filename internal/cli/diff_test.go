package cli

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// applyUnifiedDiff applies a one-file unified diff to text.
func applyUnifiedDiff(t *testing.T, text, diff string) string {
	t.Helper()
	old := strings.SplitAfter(text, "\n")
	if old[len(old)-1] == "" {
		old = old[:len(old)-1]
	}
	var out []string
	pos := 0
	lines := strings.SplitAfter(diff, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "--- "), strings.HasPrefix(l, "+++ "), l == "":
		case strings.HasPrefix(l, "@@"):
			var a, b, c, d int
			if _, err := fmt.Sscanf(l, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &d); err != nil {
				// Counts of 1 are left out.
				n, _ := fmt.Sscanf(l, "@@ -%d", &a)
				if n != 1 {
					t.Fatalf("bad hunk header %q", l)
				}
			}
			start := a - 1
			if b == 0 && strings.Contains(l, ",0 ") {
				start = a
			}
			out = append(out, old[pos:start]...)
			pos = start
		case strings.HasPrefix(l, `\ No newline`):
			last := len(out) - 1
			if i > 0 && strings.HasPrefix(lines[i-1], "-") {
				continue
			}
			out[last] = strings.TrimSuffix(out[last], "\n")
		case l[0] == ' ':
			if old[pos] != l[1:] && old[pos]+"\n" != l[1:] {
				t.Fatalf("context %q does not match %q", l[1:], old[pos])
			}
			out = append(out, old[pos])
			pos++
		case l[0] == '-':
			pos++
		case l[0] == '+':
			out = append(out, l[1:])
		}
	}
	return strings.Join(append(out, old[pos:]...), "")
}

// TestUnifiedDiff applies random diffs back.
func TestUnifiedDiff(t *testing.T) {
	if UnifiedDiff("a", "b", []byte("x\n"), []byte("x\n")) != "" {
		t.Error("equal texts diff")
	}
	rng := rand.New(rand.NewSource(1))
	words := []string{"FROM a\n", "RUN b\n", "COPY c d\n", "ENV e=f\n", "# g\n", "\n"}
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[rng.Intn(len(words))])
		}
		s := b.String()
		if rng.Intn(4) == 0 {
			s = strings.TrimSuffix(s, "\n")
		}
		return s
	}
	for i := range 500 {
		a, b := gen(rng.Intn(30)), gen(rng.Intn(30))
		if i%2 == 0 && len(a) > 0 { // small edits, as fixes make
			b = a[:len(a)/2] + gen(2) + a[len(a)/2:]
		}
		d := UnifiedDiff("a/x", "b/x", []byte(a), []byte(b))
		if got := applyUnifiedDiff(t, a, d); got != b {
			t.Fatalf("diff of %q to %q:\n%s\napplies as %q", a, b, d, got)
		}
	}
}
