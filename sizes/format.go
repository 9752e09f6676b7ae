package sizes

import (
	"fmt"
	"strconv"
	"strings"
)

// Bytes writes a byte count in decimal units with three significant
// digits, as Docker's own tools do: "999 B", "1.23 kB", "84.1 MB".
func Bytes(n int64) string {
	if n < 1000 {
		return strconv.FormatInt(n, 10) + " B"
	}
	units := []string{"kB", "MB", "GB", "TB", "PB"}
	v := float64(n)
	u := -1
	for v >= 999.5 && u < len(units)-1 {
		v /= 1000
		u++
	}
	switch {
	case v >= 99.95:
		return fmt.Sprintf("%.0f %s", v, units[u])
	case v >= 9.995:
		return fmt.Sprintf("%.1f %s", v, units[u])
	}
	return fmt.Sprintf("%.2f %s", v, units[u])
}

// Count writes an integer with thousands separators: 1,932.
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Files writes "1 file" or "1,932 files".
func Files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return Count(int64(n)) + " files"
}

// Approx writes a measured size as a label: "≈ 84.1 MB, 1,932 files"
// (exact under 1 kB: "12 B, 1 file").
func Approx(bytes int64, files int) string {
	s := Bytes(bytes)
	if bytes >= 1000 {
		s = "≈ " + s
	}
	return s + ", " + Files(files)
}
