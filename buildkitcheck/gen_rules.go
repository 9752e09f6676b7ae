//go:build ignore

// gen_rules writes rules_generated.go, the list of BuildKit's build checks,
// from the BuildKit module this module builds with: go generate ./buildkitcheck/
package main

import (
	"log"
	"os"

	"github.com/dockerfile-ls/dockerfile-ls/buildkitcheck/internal/rulegen"
)

func main() {
	src, err := rulegen.FromModule(".")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("rules_generated.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
}
