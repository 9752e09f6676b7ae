#!/usr/bin/env bash
# Compares dockerfile-ls with the TypeScript Dockerfile language server over
# stdio (bench/lspbench), alternating between them, and prints a markdown
# report (also written to $OUT, default bench-lsp.md in a temporary folder).
#
#   scripts/bench/run.sh                       # the full run (about 20 minutes on 2 cores)
#   scripts/bench/run.sh --edits 40 --rounds 2 --starts 4 --skip-rss   # a quick one
#
# Extra arguments go to lspbench (go run ./bench/lspbench --help).
# DFLS_BIN: a dockerfile-ls binary to measure instead of building this checkout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dockerfile-ls-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

BIN="${DFLS_BIN:-}"
if [[ -z "$BIN" ]]; then
  BIN="$WORK/dockerfile-ls"
  # Built as `make build` and the VS Code extension build it.
  (cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$BIN" ./cmd/dockerfile-ls)
fi
TS="$(bash "$ROOT/scripts/bench/install-ts-server.sh")"
(cd "$ROOT" && go build -o "$WORK/lspbench" ./bench/lspbench)
OUT="${OUT:-$WORK/bench-lsp.md}"

echo "== nproc: $(nproc); $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$WORK/lspbench" --server "ours=$BIN" --server "ts=$(command -v node) $TS --stdio" --out "$OUT" "$@"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ "$OUT" != "$WORK/"* ]]; then echo "== report written to $OUT" >&2; fi
