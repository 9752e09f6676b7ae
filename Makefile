# dockerfile-ls — every target prints how long it took.
GO       ?= go
BIN      := bin/dockerfile-ls
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 5s
TIME     := /usr/bin/env bash -c 'start=$$(date +%s); "$$@"; rc=$$?; echo "== $$0 took $$(( $$(date +%s) - start ))s"; exit $$rc'

STRESS_DURATION ?= 60s

.PHONY: build test unit race fuzz bench bench-lsp lint demo test-docker test-stress test-vscode test-nvim test-emacs vsix clean

# Static, as the VS Code extension ships it: no libc to find at run time,
# and 2 MiB less resident memory than a cgo build.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/dockerfile-ls

# The one test command: lint, unit and end-to-end tests, the race detector
# on the server, and a few seconds of each fuzz target.
test: lint unit race fuzz

# The BuildKit oracle needs a daemon; it runs in test-docker, not here.
unit:
	@$(TIME) unit $(GO) test -count=1 $$($(GO) list ./... | grep -v /internal/oracle)

race:
	@$(TIME) race $(GO) test -count=1 -race ./server/ ./dockerfile/ ./lspstream/

# Every fuzz target for FUZZTIME each (FUZZTIME=1h for the long runs by
# hand; a failing input lands in the package's testdata/fuzz, where it
# stays as a regression test).
FUZZ_TARGETS := model:FuzzApply:./dockerfile/ analysis:FuzzAnalyze:./diagnostics/ \
	fixes:FuzzFixes:./codeactions/ format:FuzzFormat:./features/ shell:FuzzParse:./shell/ \
	dockerignore:FuzzIgnore:./buildcontext/ packages:FuzzClassify:./pkgmgr/ \
	positions:FuzzRoundTrip:./textpos/ framing:FuzzRead:./lspstream/

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  name=$${t%%:*}; rest=$${t#*:}; target=$${rest%%:*}; pkg=$${rest#*:}; \
	  $(TIME) fuzz-$$name $(GO) test -run='^$$' -fuzz="^$$target\$$" -fuzztime=$(FUZZTIME) "$$pkg"; \
	done

bench:
	@$(TIME) bench $(GO) test -run='^$$' -bench=. -benchmem -count=1 ./...

# Side by side with the TypeScript server (installed from the npm registry).
bench-lsp:
	@$(TIME) bench-lsp bash scripts/bench/run.sh

# The soak (100 documents, random edits and requests) and protocol abuse;
# STRESS_DURATION=10m for longer. strace checks no network, exec or escape.
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
	@$(TIME) test-docker-cache $(GO) test -count=1 -v ./internal/oracle/ -run .
	@$(TIME) test-docker-engine $(GO) test -count=1 -run TestAgainstBuildKit ./cache/
	@$(TIME) test-docker-fixes $(GO) test -count=1 -v -run Oracle ./codeactions/

test-vscode: build
	@$(TIME) test-vscode bash scripts/editors/test-vscode.sh

test-nvim: build
	@$(TIME) test-nvim bash scripts/editors/test-nvim.sh

test-emacs: build
	@$(TIME) test-emacs bash scripts/editors/test-emacs.sh

vsix:
	bash scripts/editors/vsix.sh

clean:
	rm -rf bin dist
