package dockerfile

import "strings"

// buildStages groups the instructions into stages and collects the ARG and
// ENV declarations of each scope.
func (d *Document) buildStages() {
	d.Stages, d.GlobalArgs = nil, nil
	var cur *Stage
	for i, in := range d.Instructions {
		in.index, in.stagePos = int32(i), 0
		if in.Keyword == "FROM" {
			cur = newStage(len(d.Stages), in)
			d.Stages = append(d.Stages, cur)
		}
		if cur == nil {
			in.Stage = -1
			if in.Keyword == "ARG" {
				d.GlobalArgs = append(d.GlobalArgs, argVars(in)...)
			}
			continue
		}
		in.Stage = cur.Index
		if in.Keyword != "FROM" {
			in.stagePos = int32(len(cur.Instructions))
			cur.Instructions = append(cur.Instructions, in)
		}
		switch in.Keyword {
		case "ARG":
			cur.Vars = append(cur.Vars, argVars(in)...)
		case "ENV":
			cur.Vars = append(cur.Vars, envVars(in)...)
		case "SHELL":
			cur.Shells = append(cur.Shells, in)
		}
	}
}

func newStage(index int, from *Instruction) *Stage {
	s := &Stage{Index: index, From: from, Instructions: []*Instruction{from}}
	if len(from.Args) > 0 {
		s.Base, s.BaseSpan = from.Args[0].Value, from.Args[0].Span
	}
	if len(from.Args) >= 3 && strings.EqualFold(from.Args[1].Value, "as") {
		s.Name, s.NameSpan = from.Args[2].Value, from.Args[2].Span
	}
	for _, f := range from.Flags {
		if f.Name == "platform" {
			s.Platform = f.Value
		}
	}
	return s
}

// argVars reads "ARG NAME", "ARG NAME=value" and several names on one line.
func argVars(in *Instruction) []Var {
	var out []Var
	for _, w := range in.Args {
		name, value, has := strings.Cut(w.Value, "=")
		out = append(out, Var{Kind: ArgVar, Name: name, Value: value, HasValue: has,
			NameSpan: Span{w.Span.Start, w.Span.Start + len(name)}, Inst: in})
	}
	return out
}

// envVars reads "ENV K=V K2=V2" and the legacy "ENV K value with spaces".
func envVars(in *Instruction) []Var {
	if len(in.Args) == 0 {
		return nil
	}
	if !strings.Contains(in.Args[0].Value, "=") {
		first := in.Args[0]
		var vals []string
		for _, w := range in.Args[1:] {
			vals = append(vals, w.Value)
		}
		return []Var{{Kind: EnvVar, Name: first.Value, Value: strings.Join(vals, " "), HasValue: true, NameSpan: first.Span, Inst: in}}
	}
	var out []Var
	for _, w := range in.Args {
		name, value, has := strings.Cut(w.Value, "=")
		out = append(out, Var{Kind: EnvVar, Name: name, Value: value, HasValue: has,
			NameSpan: Span{w.Span.Start, w.Span.Start + len(name)}, Inst: in})
	}
	return out
}
