package config

import (
	"bytes"
	"fmt"
	"math"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// bakeEval evaluates the expressions of one bake file within
// budget.MaxBuildFileValues: what an expression may evaluate to is bounded
// before it is evaluated, since 30 variables each doubling the one before
// ("${v0}${v0}") make 10 GB out of 1.5 KB. After the first expression
// past the budget, nothing more is evaluated and err says why.
type bakeEval struct {
	ctx *hcl.EvalContext
	src []byte
	// sizes are the sizes of ctx.Variables (see valueSize).
	sizes map[string]int
	spent int
	err   error
}

func newBakeEval(src []byte) *bakeEval {
	return &bakeEval{ctx: &hcl.EvalContext{Variables: map[string]cty.Value{}}, src: src, sizes: map[string]int{}}
}

// errBakeValuesTooLarge: a bake file's expressions would evaluate to more
// than budget.MaxBuildFileValues.
var errBakeValuesTooLarge = fmt.Errorf("its values take more than %d bytes; the file is not read", budget.MaxBuildFileValues)

// declare sets a variable: from the environment when set there, else its
// default (which may use the variables declared before it).
func (e *bakeEval) declare(b *hcl.Block) {
	name := b.Labels[0]
	if v, ok := os.LookupEnv(name); ok {
		e.ctx.Variables[name], e.sizes[name] = cty.StringVal(v), len(v)
		return
	}
	content, _, diags := b.Body.PartialContent(variableSchema)
	if diags.HasErrors() || content.Attributes["default"] == nil {
		return
	}
	if v, ok := e.value(content.Attributes["default"].Expr); ok {
		e.ctx.Variables[name], e.sizes[name] = v, valueSize(v)
	}
}

// value evaluates expr, when it is wholly known and within the budget.
func (e *bakeEval) value(expr hcl.Expression) (cty.Value, bool) {
	if e.err != nil {
		return cty.NilVal, false
	}
	switch bound := e.bound(expr); {
	case bound == math.MaxInt:
		return cty.NilVal, false // left out, as a function call is
	case bound > budget.MaxBuildFileValues-e.spent:
		e.err = errBakeValuesTooLarge
		return cty.NilVal, false
	}
	v, diags := expr.Value(e.ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return cty.NilVal, false
	}
	e.spent += valueSize(v)
	return v, true
}

// bound is a size expr cannot evaluate to more than: its text and, for
// each reference to a variable, that variable. A for or splat expression
// repeats its body by what it reads, and is left out (math.MaxInt).
func (e *bakeEval) bound(expr hcl.Expression) int {
	r := expr.Range()
	if r.Start.Byte < 0 || r.End.Byte > len(e.src) || r.Start.Byte > r.End.Byte || e.repeats(expr, e.src[r.Start.Byte:r.End.Byte]) {
		return math.MaxInt
	}
	n := r.End.Byte - r.Start.Byte
	for _, t := range expr.Variables() {
		n += e.sizes[t.RootName()]
	}
	return n
}

// repeats reports whether expr, whose text is text, holds a for or splat
// expression. A JSON value's strings are templates only once evaluated:
// one that interpolates and says "for" or "*" anywhere is taken to.
func (e *bakeEval) repeats(expr hcl.Expression, text []byte) bool {
	syn, ok := expr.(hclsyntax.Expression)
	if !ok {
		interpolates := bytes.Contains(text, []byte("${")) || bytes.Contains(text, []byte("%{"))
		return interpolates && (bytes.Contains(text, []byte("for")) || bytes.Contains(text, []byte("*")))
	}
	found := false
	hclsyntax.VisitAll(syn, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n.(type) {
		case *hclsyntax.ForExpr, *hclsyntax.SplatExpr:
			found = true
		}
		return nil
	})
	return found
}

// valueSize is the bytes of v's strings, and one for each value in it.
func valueSize(v cty.Value) int {
	if !v.IsKnown() || v.IsNull() {
		return 1
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return 1 + len(v.AsString())
	case ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType():
		n := 1
		for it := v.ElementIterator(); it.Next(); {
			k, elem := it.Element()
			n += valueSize(k) + valueSize(elem)
		}
		return n
	}
	return 1
}

// str evaluates expr to a string (numbers and bools as bake prints them);
// false when it cannot.
func (e *bakeEval) str(expr hcl.Expression) (string, bool) {
	v, ok := e.value(expr)
	if !ok || v.IsNull() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", false
	}
	return s.AsString(), true
}

// key is an object key: a bare word (MODE = …) or an expression ("MODE").
func (e *bakeEval) key(expr hcl.Expression) (string, bool) {
	if k := hcl.ExprAsKeyword(expr); k != "" {
		return k, true
	}
	return e.str(expr)
}

// list evaluates a list of strings, keeping the elements it can.
func (e *bakeEval) list(expr hcl.Expression) []string {
	elems, diags := hcl.ExprList(expr)
	if diags.HasErrors() {
		return nil
	}
	var out []string
	for _, elem := range elems {
		if s, ok := e.str(elem); ok {
			out = append(out, s)
		}
	}
	return out
}
