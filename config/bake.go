package config

import (
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// This file reads what Buildx bake files (docker-bake.hcl or .json, parsed
// with HCL's own library, as bake does) say a target builds: context,
// dockerfile, target and args, following inherits, with variables'
// defaults (the environment wins, as in bake). A value this reader cannot
// evaluate (a function call, an unknown name) is left out; a target whose
// context or Dockerfile cannot be evaluated is skipped.

// bakeSchema: the blocks read; groups, functions and the rest are ignored.
var bakeSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "target", LabelNames: []string{"name"}},
}}

var variableSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "default"}}}

var targetSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "context"}, {Name: "dockerfile"}, {Name: "dockerfile-inline"}, {Name: "target"}, {Name: "args"}, {Name: "inherits"},
}}

// fromBake finds the first target of a bake file that builds dockerfile.
// err says why a file that parses was not read after all (its inherits or
// its values take more than their budget).
func fromBake(path string, data []byte, dockerfile string) (Settings, bool, error) {
	targets, order, ok := readBake(path, data)
	if !ok {
		return Settings{}, false, nil
	}
	base := filepath.Dir(path)
	for _, name := range order {
		t, _, err := targets.resolve(name, 0)
		if err == nil {
			err = targets.eval.err
		}
		if err != nil {
			return Settings{}, false, fmt.Errorf("%s: %w", path, err)
		}
		if t.inline || t.unknown["context"] || t.unknown["dockerfile"] {
			continue
		}
		ctx, df, ok := buildPaths(base, t.str["context"], t.str["dockerfile"])
		if !ok || !sameFile(df, dockerfile) {
			continue
		}
		s := Settings{BuildContext: ctx, Target: t.str["target"]}
		if len(t.args) > 0 {
			s.BuildArgs = maps.Clone(t.args)
		}
		return s, true, nil
	}
	return Settings{}, false, nil
}

// readBake parses a bake file: its targets, with the variables they may
// use, and their names in file order. ok is false when it does not parse.
func readBake(path string, data []byte) (targets *bakeTargets, order []string, ok bool) {
	parser := hclparse.NewParser()
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		file, diags = parser.ParseJSON(data, path)
	} else {
		file, diags = parser.ParseHCL(data, path)
	}
	if diags.HasErrors() {
		return nil, nil, false
	}
	content, _, diags := file.Body.PartialContent(bakeSchema)
	if diags.HasErrors() {
		return nil, nil, false
	}
	targets = &bakeTargets{eval: newBakeEval(data), attrs: map[string]hcl.Attributes{},
		done: map[string]*bakeTarget{}, busy: map[string]int{}}
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			targets.eval.declare(b)
		case "target":
			attrs, _, diags := b.Body.PartialContent(targetSchema)
			if !diags.HasErrors() {
				targets.attrs[b.Labels[0]] = attrs.Attributes
				order = append(order, b.Labels[0])
			}
		}
	}
	return targets, order, true
}

// bakeTargets resolves the targets of one bake file: a target is its
// parents applied in order, each with its own parents first, then its own
// attributes. A resolved target is kept and serves every target that
// inherits it, however many paths lead to it: walking each path instead
// takes exponential time on a fan-out of inherits.
type bakeTargets struct {
	eval  *bakeEval
	attrs map[string]hcl.Attributes
	done  map[string]*bakeTarget
	// busy are the targets being resolved, by depth: a parent that leads
	// back to one of them closes a cycle, which is cut there (as bake
	// does), so what lies on such a cycle depends on where resolving it
	// started and is not kept.
	busy map[string]int
	// work counts the settings copied from parents, against
	// budget.MaxBakeInheritWork.
	work int
}

// errInheritsTooCostly: resolving inherits copied more settings than
// budget.MaxBakeInheritWork allows.
var errInheritsTooCostly = fmt.Errorf("resolving inherits takes more than %d steps; the file is not read", budget.MaxBakeInheritWork)

// bakeTarget is one target's settings, its parents' included.
type bakeTarget struct {
	str     map[string]string // context, dockerfile, target
	unknown map[string]bool   // those of str that could not be evaluated
	args    map[string]string
	inline  bool // dockerfile-inline: no file on disk
}

// noTarget stands for a parent that does not exist or closes a cycle.
var noTarget = &bakeTarget{}

// resolve returns the target name with its parents applied, depth being
// how many targets are being resolved below it. cut is the lowest depth
// of a cycle cut while resolving it (math.MaxInt for none).
func (b *bakeTargets) resolve(name string, depth int) (t *bakeTarget, cut int, err error) {
	if t := b.done[name]; t != nil {
		return t, math.MaxInt, nil
	}
	if d, busy := b.busy[name]; busy {
		return noTarget, d, nil
	}
	attrs, ok := b.attrs[name]
	if !ok {
		return noTarget, math.MaxInt, nil
	}
	b.busy[name] = depth
	defer delete(b.busy, name)
	t, cut = &bakeTarget{str: map[string]string{}, unknown: map[string]bool{}, args: map[string]string{}}, math.MaxInt
	if a := attrs["inherits"]; a != nil {
		for _, parent := range b.eval.list(a.Expr) {
			p, pcut, err := b.resolve(parent, depth+1)
			if err != nil {
				return nil, 0, err
			}
			if b.work += 1 + len(p.str) + len(p.args); b.work > budget.MaxBakeInheritWork {
				return nil, 0, errInheritsTooCostly
			}
			t.inherit(p)
			cut = min(cut, pcut)
		}
	}
	t.apply(attrs, b.eval)
	if cut >= depth {
		b.done[name] = t // no cycle through a target resolving it
	}
	return t, cut, nil
}

// inherit applies the resolved parent p over what t has so far.
func (t *bakeTarget) inherit(p *bakeTarget) {
	maps.Copy(t.str, p.str)
	maps.Copy(t.unknown, p.unknown)
	maps.Copy(t.args, p.args)
	t.inline = t.inline || p.inline
}

// apply applies the target's own attributes over what its parents gave.
func (t *bakeTarget) apply(attrs hcl.Attributes, e *bakeEval) {
	for _, key := range []string{"context", "dockerfile", "target"} {
		if a := attrs[key]; a != nil {
			v, ok := e.str(a.Expr)
			t.str[key], t.unknown[key] = v, !ok
		}
	}
	t.inline = t.inline || attrs["dockerfile-inline"] != nil
	if a := attrs["args"]; a != nil {
		pairs, diags := hcl.ExprMap(a.Expr)
		if diags.HasErrors() {
			return
		}
		for _, kv := range pairs {
			k, kok := e.key(kv.Key)
			v, vok := e.str(kv.Value)
			if kok && vok {
				t.args[k] = v
			}
		}
	}
}
