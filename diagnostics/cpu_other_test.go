//go:build !unix

package diagnostics

import "time"

// processCPU is not measured here (see cpu_unix_test.go).
func processCPU() time.Duration { return 0 }
