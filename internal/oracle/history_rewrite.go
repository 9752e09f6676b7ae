package oracle

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// CheapRuns rewrites a real Dockerfile for the busybox oracle: each RUN's
// command becomes one that busybox runs at once and that is distinct per
// RUN text (so BuildKit keys it as it keyed the original: the same text,
// the same key), keeping the RUN's flags (mounts are part of the key). The
// last RUN of a stage also creates the paths later COPY --from steps copy
// out of it. Lines stay where they were, so steps compare by line.
func CheapRuns(text []byte) ([]byte, error) {
	res, err := parser.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parsing the Dockerfile: %w", err)
	}
	lines := strings.Split(string(text), "\n")
	copied := copiedFrom(res.AST.Children)
	lastRun := map[string]*parser.Node{} // stage name → its last RUN
	stage := ""
	for i, n := range res.AST.Children {
		switch strings.ToLower(n.Value) {
		case "from":
			stage = stageNameOf(n, i)
		case "run":
			lastRun[stage] = n
		}
	}
	stage = ""
	for i, n := range res.AST.Children {
		switch strings.ToLower(n.Value) {
		case "from":
			stage = stageNameOf(n, i)
		case "run":
			var mk []string
			if lastRun[stage] == n {
				mk = copied[stage]
			}
			replaceLines(lines, n, cheapRun(n, mk))
		}
	}
	return []byte(strings.Join(lines, "\n")), nil
}

// cheapRun is the RUN line standing in for n. The paths it makes are
// made only where nothing is: a COPY of the context may have put a file
// there already (umami's prisma.config.ts), which mkdir -p refuses.
func cheapRun(n *parser.Node, mkdirs []string) string {
	sum := sha256.Sum256([]byte(n.Original))
	cmd := fmt.Sprintf("echo %x > /dev/null", sum[:6])
	if len(mkdirs) > 0 {
		cmd += " && for p in " + strings.Join(mkdirs, " ") + `; do [ -e "$p" ] || mkdir -p "$p"; done`
	}
	flags := strings.Join(n.Flags, " ")
	if flags != "" {
		flags += " "
	}
	return "RUN " + flags + cmd
}

// replaceLines puts line in n's first line and comments out the rest of
// n's lines (continuations and heredoc bodies lie within them).
func replaceLines(lines []string, n *parser.Node, line string) {
	lines[n.StartLine-1] = line
	for l := n.StartLine; l < n.EndLine && l < len(lines); l++ {
		lines[l] = "#"
	}
}

// stageNameOf is a FROM's stage name, lowercased as BuildKit compares it,
// or its index.
func stageNameOf(n *parser.Node, i int) string {
	var args []string
	for a := n.Next; a != nil; a = a.Next {
		args = append(args, a.Value)
	}
	if len(args) == 3 && strings.EqualFold(args[1], "as") {
		return strings.ToLower(args[2])
	}
	return fmt.Sprint(i)
}

// copiedFrom are the absolute source paths COPY --from=STAGE reads, by stage.
func copiedFrom(nodes []*parser.Node) map[string][]string {
	out := map[string][]string{}
	for _, n := range nodes {
		if v := strings.ToLower(n.Value); v != "copy" && v != "add" {
			continue
		}
		from := ""
		for _, f := range n.Flags {
			if v, ok := strings.CutPrefix(f, "--from="); ok {
				from = strings.ToLower(v)
			}
		}
		if from == "" {
			continue
		}
		var args []string
		for a := n.Next; a != nil; a = a.Next {
			args = append(args, a.Value)
		}
		for _, src := range args[:max(len(args)-1, 0)] {
			out[from] = append(out[from], path.Join("/", strings.NewReplacer("*", "x", "?", "x").Replace(src)))
		}
	}
	return out
}
