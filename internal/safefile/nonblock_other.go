//go:build !unix

package safefile

// nonBlocking is 0 where FIFOs are not files that open can wait on.
const nonBlocking = 0
