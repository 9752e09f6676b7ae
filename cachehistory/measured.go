package cachehistory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Measured durations replace the estimate of the steps a builder ran
// (`cache --history --buildkit-addr`, read by the command line from a
// BuildKit daemon's build history; the server never contacts a daemon).
// BuildKit names a step's vertex "[STAGE i/n] INSTRUCTION", the
// instruction as its parser keeps it with variables expanded: a step is
// matched by its stage and text, so a step whose text holds a variable
// keeps its estimate.

// StepName names a step as BuildKit's progress does: its stage ("" in a
// one-stage Dockerfile, "stage-N" for an unnamed one) and its text, with
// runs of white space made one space.
type StepName struct{ Stage, Text string }

// Measured are measured seconds by step.
type Measured map[StepName]float64

// NameOf is the name BuildKit gives inst's step in doc.
func NameOf(doc *dockerfile.Document, inst *dockerfile.Instruction) StepName {
	stage := ""
	if len(doc.Stages) > 1 && inst.Stage >= 0 {
		st := doc.Stages[inst.Stage]
		stage = strings.ToLower(st.Name)
		if stage == "" {
			stage = fmt.Sprintf("stage-%d", st.Index)
		}
	}
	return StepName{Stage: stage, Text: oneSpace(doc.CommandText(inst))}
}

// ParseVertexName reads a vertex name BuildKit's Dockerfile frontend
// gives a step: "[builder 5/6] RUN npm ci", "[linux/arm64 builder 5/6]
// ...", "[2/3] COPY . ." (one stage). ok is false for other vertices (a
// context transfer, an image resolution).
func ParseVertexName(name string) (StepName, bool) {
	inside, text, ok := strings.Cut(strings.TrimPrefix(name, "["), "] ")
	if !ok || !strings.HasPrefix(name, "[") {
		return StepName{}, false
	}
	fields := strings.Fields(inside)
	if len(fields) == 0 || !isStepCount(fields[len(fields)-1]) {
		return StepName{}, false
	}
	stage := ""
	if len(fields) >= 2 && !strings.Contains(fields[len(fields)-2], "/") {
		stage = fields[len(fields)-2]
	}
	return StepName{Stage: stage, Text: oneSpace(text)}, true
}

// isStepCount reports whether s is "i/n".
func isStepCount(s string) bool {
	i, n, ok := strings.Cut(s, "/")
	digits := func(x string) bool { return x != "" && strings.Trim(x, "0123456789") == "" }
	return ok && digits(i) && digits(n)
}

func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// Median is the median of durations, the figure a step is given when a
// builder ran it several times (a first run that downloaded a base image,
// a later one on a warm disk).
func Median(durations []float64) float64 {
	if len(durations) == 0 {
		return 0
	}
	d := slices.Clone(durations)
	slices.Sort(d)
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}
