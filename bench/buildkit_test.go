package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/analysis"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// BenchmarkBuildKitCancel is how long BuildKit's pass over a 2,000-line
// file goes on after an edit made it outdated (its context cancelled), the
// edit coming at 0, 25, 50 or 75% of the pass's uncancelled time. The
// conversion consults its context only where it calls out (base images,
// the .dockerignore), so a late cancel saves little. ms-after-cancel/op
// is the mean time from the cancel to the pass's end.
//
//	go test -run '^$' -bench 'BuildKitCancel' -benchtime 10x ./bench/
func BenchmarkBuildKitCancel(b *testing.B) {
	doc := dockerfile.Parse([]byte(testgen.Dockerfile(2000, 110)))
	var opts diagnostics.BuildKitOptions
	pass := func(ctx context.Context) time.Duration {
		start := time.Now()
		_, _ = analysis.BuildKit(ctx, doc, opts) // a cancelled pass fails, as the server expects
		return time.Since(start)
	}
	pass(context.Background()) // warm up
	full := min(pass(context.Background()), pass(context.Background()))
	b.Logf("uncancelled pass: %v", full)
	for _, pct := range []int{0, 25, 50, 75} {
		b.Run(fmt.Sprintf("at%d%%", pct), func(b *testing.B) {
			at := full * time.Duration(pct) / 100
			var after time.Duration
			for b.Loop() {
				ctx, cancel := context.WithCancel(context.Background())
				t := time.AfterFunc(at, cancel)
				after += max(0, pass(ctx)-at)
				t.Stop()
				cancel()
			}
			b.ReportMetric(float64(after.Microseconds())/float64(b.N)/1000, "ms-after-cancel/op")
		})
	}
}
