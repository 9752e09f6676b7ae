package config

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
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

// maxInherits bounds inherits chains (and cycles).
const maxInherits = 10

// fromBake finds the first target of a bake file that builds dockerfile.
func fromBake(path string, data []byte, dockerfile string) (Settings, bool) {
	parser := hclparse.NewParser()
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		file, diags = parser.ParseJSON(data, path)
	} else {
		file, diags = parser.ParseHCL(data, path)
	}
	if diags.HasErrors() {
		return Settings{}, false
	}
	content, _, diags := file.Body.PartialContent(bakeSchema)
	if diags.HasErrors() {
		return Settings{}, false
	}
	evalCtx := &hcl.EvalContext{Variables: map[string]cty.Value{}}
	targets := map[string]hcl.Attributes{}
	var order []string
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			if v, ok := variableValue(b, evalCtx); ok {
				evalCtx.Variables[b.Labels[0]] = v
			}
		case "target":
			attrs, _, diags := b.Body.PartialContent(targetSchema)
			if !diags.HasErrors() {
				targets[b.Labels[0]] = attrs.Attributes
				order = append(order, b.Labels[0])
			}
		}
	}
	base := filepath.Dir(path)
	for _, name := range order {
		t := bakeTarget{ctx: evalCtx, targets: targets}
		t.resolve(name, 0)
		if t.inline || t.unknown["context"] || t.unknown["dockerfile"] {
			continue
		}
		ctx, df, ok := buildPaths(base, t.str["context"], t.str["dockerfile"])
		if !ok || !sameFile(df, dockerfile) {
			continue
		}
		return Settings{BuildContext: ctx, Target: t.str["target"], BuildArgs: t.args}, true
	}
	return Settings{}, false
}

// variableValue is a variable's value: from the environment when set there,
// else its default (which may use the variables declared before it).
func variableValue(b *hcl.Block, ctx *hcl.EvalContext) (cty.Value, bool) {
	if v, ok := os.LookupEnv(b.Labels[0]); ok {
		return cty.StringVal(v), true
	}
	content, _, diags := b.Body.PartialContent(variableSchema)
	if diags.HasErrors() || content.Attributes["default"] == nil {
		return cty.NilVal, false
	}
	v, diags := content.Attributes["default"].Expr.Value(ctx)
	return v, !diags.HasErrors() && v.IsWhollyKnown()
}

// bakeTarget collects one target's settings, its parents' first.
type bakeTarget struct {
	ctx     *hcl.EvalContext
	targets map[string]hcl.Attributes
	str     map[string]string // context, dockerfile, target
	unknown map[string]bool   // those of str that could not be evaluated
	args    map[string]string
	inline  bool // dockerfile-inline: no file on disk
}

func (t *bakeTarget) resolve(name string, depth int) {
	attrs, ok := t.targets[name]
	if !ok || depth > maxInherits {
		return
	}
	if a := attrs["inherits"]; a != nil {
		for _, parent := range stringList(a.Expr, t.ctx) {
			t.resolve(parent, depth+1)
		}
	}
	if t.str == nil {
		t.str, t.unknown = map[string]string{}, map[string]bool{}
	}
	for _, key := range []string{"context", "dockerfile", "target"} {
		if a := attrs[key]; a != nil {
			v, ok := evalString(a.Expr, t.ctx)
			t.str[key], t.unknown[key] = v, !ok
		}
	}
	t.inline = t.inline || attrs["dockerfile-inline"] != nil
	if a := attrs["args"]; a != nil {
		pairs, diags := hcl.ExprMap(a.Expr)
		if diags.HasErrors() {
			return
		}
		if t.args == nil {
			t.args = map[string]string{}
		}
		for _, kv := range pairs {
			k, kok := evalKey(kv.Key, t.ctx)
			v, vok := evalString(kv.Value, t.ctx)
			if kok && vok {
				t.args[k] = v
			}
		}
	}
}

// evalString evaluates expr to a string (numbers and bools as bake prints
// them); false when it cannot.
func evalString(expr hcl.Expression, ctx *hcl.EvalContext) (string, bool) {
	v, diags := expr.Value(ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", false
	}
	return s.AsString(), true
}

// evalKey is an object key: a bare word (MODE = …) or an expression ("MODE").
func evalKey(expr hcl.Expression, ctx *hcl.EvalContext) (string, bool) {
	if k := hcl.ExprAsKeyword(expr); k != "" {
		return k, true
	}
	return evalString(expr, ctx)
}

// stringList evaluates a list of strings, keeping the elements it can.
func stringList(expr hcl.Expression, ctx *hcl.EvalContext) []string {
	elems, diags := hcl.ExprList(expr)
	if diags.HasErrors() {
		return nil
	}
	var out []string
	for _, e := range elems {
		if s, ok := evalString(e, ctx); ok {
			out = append(out, s)
		}
	}
	return out
}
