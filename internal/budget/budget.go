// Package budget holds, in one place, every limit that keeps hostile input
// from taking the server or the CLI down: how much text is read, expanded,
// parsed, analysed and answered. Each limit leaves room for real files (a
// 10,000-line Dockerfile of ordinary instructions gets its full analysis);
// past one, the work is cut and the user is told, never crashed.
//
// docs/hostile.md lists these budgets with the measured cost of each
// hostile case; keep the two in step.
package budget
