// Package rulegen writes buildkitcheck's list of BuildKit's build checks
// (rules_generated.go) from the BuildKit module's
// frontend/dockerfile/linter/ruleset.go. The linter package has no registry
// to range over, so the file is read with go/parser the way BuildKit's own
// docs generator (frontend/dockerfile/linter/generate.go) reads it: every
// LinterRule composite literal, its Name, Description, URL and Experimental.
package rulegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"text/template"
)

// Module is the module whose rules are listed.
const Module = "github.com/moby/buildkit"

// rulesetFile is where, in Module, the linter declares its rules.
const rulesetFile = "frontend/dockerfile/linter/ruleset.go"

// Rule is one LinterRule literal of ruleset.go.
type Rule struct {
	Name, Description, URL string
	Experimental           bool
}

// FromModule returns the Go source of rules_generated.go for the version of
// Module that the module in dir builds with.
func FromModule(dir string) ([]byte, error) {
	modDir, version, err := locate(dir)
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(filepath.Join(modDir, filepath.FromSlash(rulesetFile)))
	if err != nil {
		return nil, fmt.Errorf("reading %s's ruleset: %w", Module, err)
	}
	rules, err := Parse(src)
	if err != nil {
		return nil, fmt.Errorf("%s@%s/%s: %w", Module, version, rulesetFile, err)
	}
	return Generate(rules, version)
}

// locate asks the go command where Module's source is, and which version,
// as the module in dir resolves it (replace directives included).
func locate(dir string) (modDir, version string, err error) {
	cmd := exec.Command("go", "list", "-m", "-json", Module)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m %s: %w: %s", Module, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var m struct {
		Dir, Version string
		Replace      *struct{ Path, Version string }
	}
	if err := json.Unmarshal(out, &m); err != nil {
		return "", "", fmt.Errorf("go list -m %s: %w", Module, err)
	}
	if r := m.Replace; r != nil { // Dir is already the replacement's
		m.Version += " => " + r.Path
		if r.Version != "" {
			m.Version += "@" + r.Version
		}
	}
	if m.Dir == "" {
		return "", "", fmt.Errorf("go list -m %s: no source folder (run go mod download %s)", Module, Module)
	}
	return m.Dir, m.Version, nil
}

// Parse lists the rules ruleset.go declares, in its order. A rule whose
// name or description is not a string literal is an error rather than a
// gap in the list.
func Parse(src []byte) ([]Rule, error) {
	f, err := parser.ParseFile(token.NewFileSet(), rulesetFile, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parsing: %w", err)
	}
	var rules []Rule
	seen := map[string]bool{}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.VAR {
			continue
		}
		for _, spec := range gen.Specs {
			for _, v := range spec.(*ast.ValueSpec).Values {
				lit, ok := v.(*ast.CompositeLit)
				if !ok || !isLinterRule(lit.Type) {
					continue
				}
				r, err := parseRule(lit)
				if err != nil {
					return nil, err
				}
				if seen[r.Name] {
					return nil, fmt.Errorf("rule %s declared twice", r.Name)
				}
				seen[r.Name] = true
				rules = append(rules, r)
			}
		}
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("no LinterRule literals")
	}
	return rules, nil
}

// isLinterRule reports whether a literal's type is LinterRule[F].
func isLinterRule(typ ast.Expr) bool {
	if ix, ok := typ.(*ast.IndexExpr); ok {
		typ = ix.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.Name == "LinterRule"
}

// parseRule reads the fields of one LinterRule literal.
func parseRule(lit *ast.CompositeLit) (Rule, error) {
	var r Rule
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return Rule{}, fmt.Errorf("a LinterRule literal without field names")
		}
		key, _ := kv.Key.(*ast.Ident)
		if key == nil {
			continue
		}
		var err error
		switch key.Name {
		case "Name":
			r.Name, err = stringLit(kv.Value)
		case "Description":
			r.Description, err = stringLit(kv.Value)
		case "URL":
			r.URL, err = stringLit(kv.Value)
		case "Experimental":
			id, ok := kv.Value.(*ast.Ident)
			if !ok || (id.Name != "true" && id.Name != "false") {
				err = fmt.Errorf("not true or false")
			}
			r.Experimental = ok && id.Name == "true"
		}
		if err != nil {
			return Rule{}, fmt.Errorf("rule %q, field %s: %w", r.Name, key.Name, err)
		}
	}
	if r.Name == "" || r.Description == "" {
		return Rule{}, fmt.Errorf("rule %q has no name or no description", r.Name)
	}
	return r, nil
}

// stringLit is the value of a string literal.
func stringLit(e ast.Expr) (string, error) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", fmt.Errorf("not a string literal")
	}
	return strconv.Unquote(lit.Value)
}

var generated = template.Must(template.New("").Funcs(template.FuncMap{"quote": strconv.Quote}).Parse(
	`// Code generated by gen_rules.go from {{.File}} of {{.Module}}@{{.Version}}. DO NOT EDIT.

package buildkitcheck

// generatedRules are BuildKit's build checks, in the order its ruleset.go
// declares them. Regenerate with go generate after a BuildKit upgrade.
var generatedRules = []RuleInfo{
{{- range .Rules}}
	{Name: {{quote .Name}}, Description: {{quote .Description}}{{if .URL}}, URL: {{quote .URL}}{{end}}{{if .Experimental}}, Experimental: true{{end}}},
{{- end}}
}
`))

// Generate returns the gofmt'ed source of rules_generated.go.
func Generate(rules []Rule, version string) ([]byte, error) {
	var b bytes.Buffer
	err := generated.Execute(&b, struct {
		Module, Version, File string
		Rules                 []Rule
	}{Module, version, rulesetFile, rules})
	if err != nil {
		return nil, fmt.Errorf("writing rules_generated.go: %w", err)
	}
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting rules_generated.go: %w", err)
	}
	return out, nil
}
