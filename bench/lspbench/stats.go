package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// pct is the p-th percentile by the nearest-rank method.
func pct(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func fmtDur(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 1:
		return fmt.Sprintf("%.3f ms", ms)
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.2f s", ms/1000)
	}
}

func ratio(other, base time.Duration) string {
	if base <= 0 {
		return "n/a"
	}
	r := float64(other) / float64(base)
	if r >= 10 {
		return fmt.Sprintf("**%.0f×**", r)
	}
	return fmt.Sprintf("**%.1f×**", r)
}

func fmtKiB(k int64) string {
	if k == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(k)/1024)
}
