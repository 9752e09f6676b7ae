// Command score prints the precision and recall of every rule on a split of
// the labelled set, and the findings no label judges yet:
//
//	go run ./internal/precision/cmd/score                 # the dev split
//	go run ./internal/precision/cmd/score -split holdout  # scored only at the end
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockerfile-ls/dockerfile-ls/internal/precision"
)

func main() {
	root := flag.String("set", "internal/precision/testdata", "the labelled set")
	split := flag.String("split", "dev", "dev or holdout")
	minFindings := flag.Int("min", 10, "judged findings a rule needs for a percentage")
	only := flag.String("only", "", "score only the files whose path contains this")
	flag.Parse()
	s, err := precision.ScoreDir(context.Background(), filepath.Join(*root, *split), *only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(2)
	}
	fmt.Printf("%d files, split %s\n\n%s", s.Files, *split, s.Table(*minFindings))
	for _, u := range s.Unjudged {
		fmt.Printf("unjudged: %s:%d %s: %s\n", u.File, u.Line, u.Rule, u.Message)
	}
	if len(s.Unjudged) > 0 {
		os.Exit(1)
	}
}
