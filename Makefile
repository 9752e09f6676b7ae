# dockerfile-ls — every target prints how long it took.
GO       ?= go
BIN      := bin/dockerfile-ls
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
TIME     := /usr/bin/env bash -c 'start=$$(date +%s); "$$@"; rc=$$?; echo "== $$0 took $$(( $$(date +%s) - start ))s"; exit $$rc'

# Fuzzing per target: make test's smoke is a count of runs, not a duration:
# under load, Go 1.26's fuzz coordinator can fail a timed run with a bare
# "context deadline exceeded" (go.dev/issue/75804, fixed in Go 1.27), which
# a count never hits. make fuzz-long runs each target for a duration.
FUZZTIME      ?= 200x
FUZZTIME_LONG ?= 1m
# The full corpus of real-world Dockerfiles for make test-corpus; make test
# runs the sample in internal/testgen/testdata/corpus instead.
CORPUS   ?= ../shared/corpus
STRESS_DURATION ?= 60s
# make vsix: empty builds this machine's platform only (see scripts/editors/vsix.sh).
PLATFORM ?=

.PHONY: build install vscode vsix dist test test-parts unit race fuzz fuzz-long test-corpus bench bench-lsp bench-sweep precision lint demo \
	test-docker test-realbuild proof-realbuild proof-history test-hostile test-stress test-vscode test-nvim test-emacs clean

# Static, as the VS Code extension ships it: no libc to find at run time,
# and 2 MiB less resident memory than a cgo build.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/dockerfile-ls

# On the user's PATH: $GOBIN, else ~/.local/bin.
install: build
	@$(TIME) install bash scripts/install.sh

# The VS Code extension for this machine's platform, installed into VS Code,
# VSCodium or code-server (whichever is there).
vscode:
	@$(TIME) vscode bash scripts/editors/install-vscode.sh

# The .vsix packages: PLATFORM=all, one (linux-arm64, …), or empty for this machine's.
vsix:
	@$(TIME) vsix bash scripts/editors/vsix.sh $(PLATFORM)

# Release archives with checksums in dist/ (docs/RELEASING.md).
dist:
	@$(TIME) dist bash scripts/dist.sh

# The one test command, for every commit (under 4 minutes on 2 cores): lint,
# unit and end-to-end tests over the in-repo corpus sample, the race detector
# on the packages with concurrency, and 200 fuzz runs of each fuzz target.
# Everything it reads is in the repository. The long suites are their own
# targets below; .ci/run runs them all.
test:
	@$(TIME) test $(MAKE) --no-print-directory lint test-parts

# Side by side: the server's end-to-end tests spend most of their time
# waiting for the binary, in unit and in race, and the fuzz smoke mostly
# building; one after the other, each would wait for nothing.
test-parts:
	@$(MAKE) --no-print-directory -j3 --output-sync=target unit race fuzz

# The BuildKit oracle needs a daemon; it runs in test-docker, not here. The
# soak and protocol abuse of the real binary (~45 s) are test-stress's; the
# in-process stress smoke stays here.
BINARY_SOAK := ^(TestAbuseProtocol|TestStressBinary|TestSecurityNoNetworkExecOrEscape)$$

unit:
	@$(TIME) unit $(GO) test -count=1 -skip '$(BINARY_SOAK)' $$($(GO) list ./... | grep -v /internal/oracle)

# The packages whose code runs goroutines. The server's in-process tests (the
# stress smoke, workers, watchers, settings) run the model, the rules and the
# fixes concurrently, so those are checked through it. -short skips the tests
# that drive the separately built binary for many seconds, which the race
# detector cannot see into (test-stress runs them).
RACE_PKGS := ./server/ ./lspstream/ ./buildcontext/ ./buildkitcheck/ ./internal/lspproc/

race:
	@$(TIME) race $(GO) test -count=1 -race -short $(RACE_PKGS)

# Every fuzz target for FUZZTIME each (make fuzz-long, or FUZZTIME=1h for
# a long run by hand); a failing input lands in the package's testdata/fuzz,
# where it stays as a regression test.
FUZZ_TARGETS := model:FuzzApply:./dockerfile/ analysis:FuzzAnalyze:./diagnostics/ \
	fixes:FuzzFixes:./codeactions/ format:FuzzFormat:./features/ shell:FuzzParse:./shell/ \
	dockerignore:FuzzIgnore:./buildcontext/ packages:FuzzClassify:./pkgmgr/ \
	positions:FuzzRoundTrip:./textpos/ framing:FuzzRead:./lspstream/

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  name=$${t%%:*}; rest=$${t#*:}; target=$${rest%%:*}; pkg=$${rest#*:}; \
	  $(TIME) fuzz-$$name $(GO) test -run='^$$' -fuzz="^$$target\$$" -fuzztime=$(FUZZTIME) "$$pkg"; \
	done

fuzz-long:
	@$(TIME) fuzz-long $(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_LONG)

# The corpus tests over every file of $(CORPUS) (~2,800), not the sample:
# every test of the packages whose tests call testgen.CorpusFiles, with
# DFLS_CORPUS set. Fails when the corpus is missing, never skips.
CORPUS_PKGS = $(sort $(dir $(shell grep -rl --include='*_test.go' 'testgen\.CorpusFiles' .)))

test-corpus:
	@if [ ! -d "$(CORPUS)" ]; then \
	  echo "test-corpus: no corpus at $(CORPUS): put a copy of shared/corpus there or give CORPUS=dir" >&2; exit 1; fi
	@$(TIME) test-corpus env DFLS_CORPUS=$(abspath $(CORPUS)) $(GO) test -count=1 -timeout 30m $(CORPUS_PKGS)

bench:
	@$(TIME) bench $(GO) test -run='^$$' -bench=. -benchmem -count=1 ./...

# Side by side with the TypeScript server (installed from the npm registry).
bench-lsp:
	@$(TIME) bench-lsp bash scripts/bench/run.sh

# The sweep of docs/benchmarks.md (issue 19): typing into 20 to 10,000 lines
# at paces of 0 to 250 ms, ours, the TypeScript server and the stub floor in
# one run; about 11 minutes on 2 idle cores, at most 15 (--deadline caps
# the latency part; the report says what it skipped). OUT=file keeps it.
bench-sweep:
	@$(TIME) bench-sweep bash scripts/bench/run.sh --keys 48 --rounds 2 --requests 20 --budget 20s --timeout 30s --deadline 10m

# Precision and recall of every rule on the labelled set's dev split
# (internal/precision/testdata). SPLIT=holdout scores the
# split kept aside, once, at the end of a round of rule work.
SPLIT ?= dev
precision:
	@$(TIME) precision $(GO) run ./internal/precision/cmd/score -split $(SPLIT)

# The soak (100 documents, random edits and requests, in-process and on the
# binary) and protocol abuse; STRESS_DURATION=10m for longer. strace checks
# no network, exec or escape.
test-stress:
	@$(TIME) test-stress-setup bash scripts/bench/ensure-strace.sh
	@$(TIME) test-stress $(GO) test -count=1 -timeout 30m -run 'Stress|Abuse|Security' ./server/ -stress.duration=$(STRESS_DURATION)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@$(TIME) vet $(GO) vet ./...

demo: build
	./$(BIN) check examples/Dockerfile || true

# Integration targets: each installs what it needs (see scripts/).
test-docker:
	@$(TIME) test-docker bash scripts/buildkit-setup.sh
	@$(TIME) test-docker-cache $(GO) test -count=1 -v ./internal/oracle/ -run . -skip '^TestHistoryAgainstBuildKit$$'
	@$(TIME) test-docker-engine $(GO) test -count=1 -run TestAgainstBuildKit ./cache/
	@$(TIME) test-docker-fixes $(GO) test -count=1 -v -run Oracle ./codeactions/

# cache --history against BuildKit on real histories (docs/history.md). The
# replay data is recorded from clones and kept outside the repository (it
# carries other projects' Dockerfiles): HISTORY_DATA names its folder.
# About 11 minutes per 40 commits; not part of CI.
HISTORY_DATA ?=
proof-history:
	@test -n "$(HISTORY_DATA)" || { echo "proof-history: set HISTORY_DATA to the replay data (see docs/history.md)"; exit 2; }
	@$(TIME) buildkit bash scripts/buildkit-setup.sh
	@$(TIME) proof-history $(GO) test -count=1 -v -timeout 60m -run TestHistoryAgainstBuildKit ./internal/oracle/ -history-data=$(abspath $(HISTORY_DATA))

# The hostile-input suite (internal/hostile; docs/hostile.md has its
# budgets and figures): every input of issue 18 and variations, given to
# the binary go build makes (the server over stdio, check as a process)
# under a 2 GiB address-space limit. Each case answers within its budget
# (internal/hostile/budgets.go) plus 1 s with a peak RSS under 500 MiB, the
# server answers a hover afterwards, and under strace nothing is opened
# outside the workspace beyond docs/settings.md's list and nothing written
# outside the paths given. It fails, never skips, when strace cannot run.
# The figures land in $(HOSTILE_REPORT); HOSTILE_ONLY=regexp runs some cases.
HOSTILE_REPORT ?= bin/hostile.md
HOSTILE_ONLY   ?=

test-hostile:
	@$(TIME) test-hostile-setup bash scripts/bench/ensure-strace.sh
	@mkdir -p $(dir $(HOSTILE_REPORT))
	@$(TIME) test-hostile env DFLS_HOSTILE=1 DFLS_HOSTILE_REPORT=$(abspath $(HOSTILE_REPORT)) DFLS_HOSTILE_ONLY='$(HOSTILE_ONLY)' \
	  $(GO) test -count=1 -timeout 60m -v -run '^TestHostile$$' ./internal/hostile/

# The real-build oracle (internal/realbuild): real-world Dockerfiles and
# what the fixes make of them, built on BuildKit over base images made
# offline from this machine's Debian archive (scripts/realbuild/setup.sh
# installs everything, idempotently). test-realbuild is CI's: the issue's
# apt case and the sample in internal/realbuild/testdata (budget 12 min).
# proof-realbuild builds a stratified sample of $(CORPUS) and writes its
# figures to bin/proof-realbuild.md (for docs/proofs.md); hours, not CI.
REALBUILD_SAMPLE  ?= 150
REALBUILD_TIMEOUT ?= 10m
REALBUILD_JOBS    ?= 4

test-realbuild:
	@$(TIME) test-realbuild-setup bash scripts/realbuild/setup.sh
	@echo "test-realbuild: budget 12 min (setup included)"
	@$(TIME) test-realbuild env DFLS_REALBUILD=1 DFLS_REALBUILD_TIMEOUT=$(REALBUILD_TIMEOUT) \
	  DFLS_REALBUILD_JOBS=$(REALBUILD_JOBS) \
	  $(GO) test -count=1 -timeout 45m -v -run 'TestAptLists|TestCISample' ./internal/realbuild/

proof-realbuild:
	@if [ ! -d "$(CORPUS)" ]; then \
	  echo "proof-realbuild: no corpus at $(CORPUS): give CORPUS=dir" >&2; exit 1; fi
	@$(TIME) proof-realbuild-setup bash scripts/realbuild/setup.sh
	@mkdir -p bin
	@$(TIME) proof-realbuild env DFLS_REALBUILD=1 DFLS_REALBUILD_CORPUS=$(abspath $(CORPUS)) \
	  DFLS_REALBUILD_SAMPLE=$(REALBUILD_SAMPLE) DFLS_REALBUILD_TIMEOUT=$(REALBUILD_TIMEOUT) \
	  DFLS_REALBUILD_REPORT=$(abspath bin/proof-realbuild.md) \
	  $(GO) test -count=1 -timeout 48h -v -run TestCorpusProof ./internal/realbuild/

test-vscode: build
	@$(TIME) test-vscode bash scripts/editors/test-vscode.sh

test-nvim: build
	@$(TIME) test-nvim bash scripts/editors/test-nvim.sh

test-emacs: build
	@$(TIME) test-emacs bash scripts/editors/test-emacs.sh

clean:
	rm -rf bin dist
