package analysis

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// doubling is issue 18's expansion bomb: A0 is ten bytes, and each of
// lines lines declares A<n> as fan copies of A<n-1>, before RUN reads the
// last. kw is "ENV" or "ARG"; global puts the ARGs before FROM.
func doubling(kw string, lines, fan int, global bool) string {
	var b strings.Builder
	if !global {
		b.WriteString("FROM alpine:3.19\n")
	}
	fmt.Fprintf(&b, "%s A0=xxxxxxxxxx\n", kw)
	for n := 1; n <= lines; n++ {
		fmt.Fprintf(&b, "%s A%d=%s\n", kw, n, strings.Repeat(fmt.Sprintf("${A%d}", n-1), fan))
	}
	if global {
		fmt.Fprintf(&b, "FROM alpine:3.19\nARG A%d\n", lines)
	}
	fmt.Fprintf(&b, "RUN echo $A%d\n", lines)
	return b.String()
}

// TestExpansionBombsUnderMemoryBound: a few hundred bytes that double a
// value on each line (ENV, a stage's ARGs, global ARGs) or grow it tenfold
// are analysed as `check` analyses them, both phases, within 2 GiB of
// address space and a few hundred MiB of allocation: the ExpansionBudget
// finding says where, and BuildKit is not run. BuildKit took all the
// machine's memory on each before.
func TestExpansionBombsUnderMemoryBound(t *testing.T) {
	if !testgen.InBoundedChild(t, 2<<30) {
		return
	}
	for name, text := range map[string]string{
		"ENV":        doubling("ENV", 28, 2, false),
		"stage ARG":  doubling("ARG", 28, 2, false),
		"global ARG": doubling("ARG", 28, 2, true),
		"tenfold":    doubling("ENV", 11, 10, false),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		doc := dockerfile.Parse([]byte(text))
		r, err := Run(t.Context(), Input{Doc: doc, Settings: config.Settings{}})
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f, ok := find(r.Findings, "ExpansionBudget")
		if !ok {
			t.Errorf("%s (%d bytes): no ExpansionBudget finding in %v", name, len(text), rules(r.Findings))
		} else if line := doc.Lines.LineOf(f.Span.Start); !strings.HasPrefix(strings.Split(text, "\n")[line], kwOf(name)) {
			t.Errorf("%s: the finding is on line %d, not on a declaration", name, line)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
			t.Errorf("%s: %d MiB allocated", name, alloc>>20)
		}
	}
}

func kwOf(name string) string {
	if strings.HasSuffix(name, "ARG") {
		return "ARG"
	}
	return "ENV"
}

// TestBuildKitSkippedOverExpansionBudget: BuildKit's phase alone gives
// nothing for such a document, and still runs on one under the budget.
func TestBuildKitSkippedOverExpansionBudget(t *testing.T) {
	if !testgen.InBoundedChild(t, 2<<30) {
		return
	}
	over, err := BuildKit(t.Context(), dockerfile.Parse([]byte(doubling("ENV", 28, 2, false))), diagnostics.BuildKitOptions{})
	if err != nil || len(over) != 0 {
		t.Errorf("over the budget: %v %v, want nothing", over, err)
	}
	under, err := BuildKit(t.Context(), dockerfile.Parse([]byte(doubling("env", 8, 2, false))), diagnostics.BuildKitOptions{})
	if err != nil || len(under) == 0 {
		t.Errorf("under the budget: %v %v, want BuildKit's casing finding", under, err)
	}
}
