package oracle

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Dockerfile is the parsed view the oracle needs: stages, global ARGs, and
// every instruction that BuildKit turns into a progress vertex.
type Dockerfile struct {
	Stages   []instructions.Stage
	MetaArgs []instructions.ArgCommand
	Steps    []StepDef // vertex-producing instructions, in file order
	escape   rune
}

// StepDef is one instruction that becomes a BuildKit vertex of its own:
// RUN, COPY, ADD and WORKDIR (dockerfile2llb counts exactly these, see
// prefixCommand in convert.go). FROM is not a step: for a mapped base image
// it shows up as a "[context …]" vertex, and scratch/stage bases have none.
type StepDef struct {
	StageIndex int
	Stage      string // stage name, or "stage-N" as BuildKit calls unnamed stages
	Line       int    // 1-based first line of the instruction
	EndLine    int    // 1-based last line (heredocs, continuations)
	Keyword    string // "RUN", "COPY", "ADD", "WORKDIR"
	Text       string // the instruction's first source line, as written
	Link       bool   // COPY/ADD --link: BuildKit reports two vertices
	// rootWorkdir marks `WORKDIR /`, for which dockerfile2llb makes no
	// vertex and consumes no index.
	rootWorkdir bool
}

// ParseDockerfile parses with BuildKit's own parser so the stage and command
// boundaries are exactly the ones the frontend uses.
func ParseDockerfile(dt []byte) (*Dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		return nil, err
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, err
	}
	df := &Dockerfile{Stages: stages, MetaArgs: metaArgs, escape: res.EscapeToken}
	for i, st := range stages {
		name := stageName(st, i)
		for _, cmd := range st.Commands {
			var kw string
			link := false
			root := false
			switch c := cmd.(type) {
			case *instructions.RunCommand:
				kw = "RUN"
			case *instructions.CopyCommand:
				kw, link = "COPY", c.Link
			case *instructions.AddCommand:
				kw, link = "ADD", c.Link
			case *instructions.WorkdirCommand:
				kw = "WORKDIR"
				root = path.Clean(c.Path) == "/"
			default:
				continue
			}
			loc := cmd.Location()
			if len(loc) == 0 {
				continue
			}
			start, end := loc[0].Start.Line, loc[len(loc)-1].End.Line
			text := ""
			if sc, ok := cmd.(fmt.Stringer); ok {
				text = sc.String()
			}
			if j := strings.IndexByte(text, '\n'); j >= 0 {
				text = text[:j]
			}
			df.Steps = append(df.Steps, StepDef{
				StageIndex: i, Stage: name, Line: start, EndLine: end,
				Keyword: kw, Text: strings.TrimSpace(text), Link: link, rootWorkdir: root,
			})
		}
	}
	return df, nil
}

func stageName(st instructions.Stage, i int) string {
	if st.Name != "" {
		return st.Name
	}
	return fmt.Sprintf("stage-%d", i)
}

// vertexNameRe matches dockerfile2llb's "[<platform> <stage> i/n] TEXT".
var vertexNameRe = regexp.MustCompile(`(?s)^\[(?:(.*) )?(\d+)/(\d+)\] (.*)$`)

// parsedVertexName is a step vertex's name split into its parts.
type parsedVertexName struct {
	stage string // "" when the Dockerfile has a single stage
	index int    // 1-based position among the stage's counted commands
	text  string // e.g. "RUN make", "LINK COPY --link . /src"
}

func parseVertexName(name string) (parsedVertexName, bool) {
	m := vertexNameRe.FindStringSubmatch(name)
	if m == nil {
		return parsedVertexName{}, false
	}
	idx, _ := strconv.Atoi(m[2])
	stage := m[1]
	// With a platform prefix ("linux/amd64 build") the stage is the last word.
	if f := strings.Fields(stage); len(f) > 0 {
		stage = f[len(f)-1]
		if strings.Contains(stage, "/") {
			stage = "" // only a platform, single-stage file
		}
	}
	return parsedVertexName{stage: stage, index: idx, text: m[4]}, true
}

// locate maps a step vertex name to the instruction it came from. fromCounted
// says, per stage index, whether the stage's FROM consumed the first index
// (an external image that was not replaced by a named context).
func (df *Dockerfile) locate(v parsedVertexName, fromCounted func(stage int) bool) (*StepDef, error) {
	si := -1
	switch {
	case v.stage == "":
		// dockerfile2llb drops the prefix only when there is one stage.
		si = len(df.Stages) - 1
	default:
		for i, st := range df.Stages {
			if strings.EqualFold(stageName(st, i), v.stage) {
				si = i
				break
			}
		}
	}
	if si < 0 {
		return nil, fmt.Errorf("vertex stage %q is not a stage of the Dockerfile", v.stage)
	}
	text := v.text
	if rest, ok := strings.CutPrefix(text, "LINK "); ok {
		text = rest
	}
	if rest, ok := strings.CutPrefix(text, "FROM "); ok && !strings.Contains(rest, " ") {
		return nil, nil // the FROM vertex of a pulled base: not a step
	}
	kw, _, _ := strings.Cut(text, " ")
	kw = strings.ToUpper(kw)

	var counted []*StepDef
	for i := range df.Steps {
		s := &df.Steps[i]
		if s.StageIndex == si && !s.rootWorkdir {
			counted = append(counted, s)
		}
	}
	pos := v.index - 1
	if fromCounted != nil && fromCounted(si) {
		pos--
	}
	if pos >= 0 && pos < len(counted) && counted[pos].Keyword == kw {
		return counted[pos], nil
	}
	// The index did not line up (e.g. a WORKDIR that resolves to "/" through
	// a relative path or a variable). Fall back to a unique text match.
	var hit *StepDef
	for _, s := range counted {
		if s.Keyword == kw && strings.EqualFold(strings.Join(strings.Fields(s.Text), " "), strings.Join(strings.Fields(firstLine(text)), " ")) {
			if hit != nil {
				hit = nil
				break
			}
			hit = s
		}
	}
	if hit != nil {
		return hit, nil
	}
	return nil, fmt.Errorf("cannot map vertex %q (stage %s, index %d) to a %s instruction", v.text, stageName(df.Stages[si], si), v.index, kw)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
