// Package features implements the everyday editing features of the
// language server as pure functions: a parsed document (or its build
// state) and a byte offset in, plain values with byte-offset spans out. It
// knows nothing of LSP; package server converts positions (through
// package textpos) and types.
//
// Variables, their values and what an instruction reads come from the
// document's build state (dockerfile.BuildState), the one the rules, the
// fixes and the cache engine read: the ...For functions take the state of
// the build's options (the server passes its settings' build args); the
// name-only features below take the document.
//
//   - CompleteFor: instruction keywords (with snippets when the client takes
//     them), parser directives and their values, flags per instruction and
//     their values (every --mount type with its keys), stage names after
//     FROM, COPY --from= and --mount=from=, and the variables in scope after
//     $ or ${ with their values (global ARGs only in FROM lines or once
//     re-declared; BuildKit's automatic platform ARGs).
//   - HoverFor: instruction, flag, mount and directive docs with a link to
//     the Dockerfile reference, the value of a variable at that point, what
//     a stage reference names, and for a step what makes it re-run (what
//     cache.Predict, the `cache` command's prediction, says of it).
//   - SignatureHelpAt: the argument forms of the instruction being typed,
//     and of a --mount value.
//   - Definition, References, Highlights, PrepareRename, Rename: stage
//     names and ARG/ENV variables, scoped per stage; a stage's `ARG NAME`
//     without default is linked to the global ARG NAME, and a stage built
//     FROM another (by name) sees that stage's ENV. This is an index of
//     names as written; it holds no values.
//   - SymbolsFor (outline), Folding, SemanticTokens (with the legend in
//     TokenTypes and TokenModifiers), Format and FormatRange, LinksFor.
//
// The reference data (docs, signatures, flags, mount keys, automatic ARGs)
// is in data.json.
package features
