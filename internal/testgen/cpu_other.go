//go:build !unix

package testgen

import "time"

// ProcessCPU is not measured here (see cpu_unix.go).
func ProcessCPU() time.Duration { return 0 }
