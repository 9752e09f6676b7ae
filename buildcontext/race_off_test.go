//go:build !race

package buildcontext

// slowdown is how much slower code runs in this build (see race_on_test.go).
const slowdown = 1
