//go:build race

package buildcontext

// slowdown is how much slower code runs under the race detector, which
// checks every memory access: CPU budgets are multiplied by it.
const slowdown = 10
