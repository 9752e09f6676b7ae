package hostile

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// docsPage is the page listing the budgets and the suite's figures.
var docsPage = filepath.Join("..", "..", "docs", "hostile.md")

// The budgets section of docsPage is generated from internal/budget
// between these markers (-update rewrites it).
const (
	budgetsBegin = "<!-- budgets: generated from internal/budget by go test ./internal/hostile -run TestDocs -update -->\n"
	budgetsEnd   = "<!-- end of budgets -->\n"
)

// TestDocs: docs/hostile.md lists every limit of internal/budget with its
// value, and every case of the suite with its time budget.
func TestDocs(t *testing.T) {
	page, err := os.ReadFile(docsPage)
	if err != nil {
		t.Fatal(err)
	}
	table, err := budgetTable(filepath.Join("..", "budget", "budget.go"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(page)
	begin, end := strings.Index(text, budgetsBegin), strings.Index(text, budgetsEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no budgets section (%q … %q)", docsPage, budgetsBegin, budgetsEnd)
	}
	want := text[:begin] + budgetsBegin + table + text[end:]
	if *update {
		if err := os.WriteFile(docsPage, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want != text {
		t.Errorf("%s: the budgets are out of date with internal/budget (go test ./internal/hostile -run TestDocs -update)", docsPage)
	}
	for name, b := range Budgets {
		if row := fmt.Sprintf("| `%s` | %s |", name, b); !strings.Contains(text, row) {
			t.Errorf("%s has no row %q", docsPage, row)
		}
	}
}

// budgetTable is a Markdown table of the constants of a Go file: name,
// value, and the first sentence of the comment above them.
func budgetTable(path string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return "", fmt.Errorf("parsing %s: %w", path, err)
	}
	var b strings.Builder
	b.WriteString("| Budget | Value | What it bounds |\n|---|---|---|\n")
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		lastDoc := ""
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if vs.Doc != nil {
				lastDoc = firstSentence(vs.Doc.Text())
			}
			for i, name := range vs.Names {
				v, err := valueText(vs.Values[i])
				if err != nil {
					return "", fmt.Errorf("%s: %w", name.Name, err)
				}
				fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name.Name, v, strings.TrimPrefix(lastDoc, name.Name+" "))
			}
		}
	}
	return b.String(), nil
}

// firstSentence is a comment's first sentence, on one line.
func firstSentence(doc string) string {
	doc = strings.Join(strings.Fields(doc), " ")
	if i := strings.Index(doc, ". "); i >= 0 {
		doc = doc[:i+1]
	}
	return strings.ReplaceAll(doc, "|", "\\|")
}

// valueText is a constant's value as a reader wants it: bytes for a
// shift (4 << 20: 4 MiB), a duration for a time unit, else the number.
func valueText(e ast.Expr) (string, error) {
	v, dur, err := eval(e)
	if err != nil {
		return "", err
	}
	n, _ := constant.Int64Val(v)
	switch {
	case dur:
		return time.Duration(n).String(), nil
	case usesShift(e) && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20), nil
	case usesShift(e) && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10), nil
	}
	return thousands(n), nil
}

// eval evaluates an integer constant expression, time units included.
func eval(e ast.Expr) (v constant.Value, dur bool, err error) {
	switch e := e.(type) {
	case *ast.BasicLit:
		return constant.MakeFromLiteral(e.Value, e.Kind, 0), false, nil
	case *ast.ParenExpr:
		return eval(e.X)
	case *ast.SelectorExpr:
		units := map[string]time.Duration{"Nanosecond": time.Nanosecond, "Microsecond": time.Microsecond,
			"Millisecond": time.Millisecond, "Second": time.Second, "Minute": time.Minute, "Hour": time.Hour}
		if u, ok := units[e.Sel.Name]; ok {
			return constant.MakeInt64(int64(u)), true, nil
		}
	case *ast.BinaryExpr:
		x, dx, err := eval(e.X)
		if err != nil {
			return nil, false, err
		}
		y, dy, err := eval(e.Y)
		if err != nil {
			return nil, false, err
		}
		if e.Op == token.SHL || e.Op == token.SHR {
			s, _ := constant.Uint64Val(y)
			return constant.Shift(x, e.Op, uint(s)), dx, nil
		}
		return constant.BinaryOp(x, e.Op, y), dx || dy, nil
	}
	return nil, false, fmt.Errorf("cannot evaluate %T", e)
}

func usesShift(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryExpr); ok && b.Op == token.SHL {
			found = true
		}
		return !found
	})
	return found
}

// thousands writes n with commas: 1,000,000.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
