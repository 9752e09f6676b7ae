// Package bench holds the end-to-end benchmarks of the language server
// (driven in-process through server.Run, for profiling) and, in lspbench/,
// the program that compares servers over stdio. See docs/benchmarks.md.
package bench
