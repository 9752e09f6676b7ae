package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// sarifSchema compiles the SARIF 2.1.0 schema in testdata (see its
// README for where it comes from).
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateSARIF(t *testing.T, schema *jsonschema.Schema, out string) map[string]any {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
	var log map[string]any
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	return log
}

// TestSARIFSchema validates the golden project's SARIF (with fixes), a
// project with related locations and the real fixes, and a run over part
// of the corpus, against the SARIF 2.1.0 schema, and checks what GitHub
// code scanning needs: rules with helpUri, results with a location and a
// region.
func TestSARIFSchema(t *testing.T) {
	schema := compileSARIFSchema(t)
	t.Run("golden project", func(t *testing.T) {
		withFixes(t, fakeFixes)
		_, out, _ := inDir(t, filepath.Join("testdata", "project"), "check", "--format", "sarif")
		checkGitHubSARIF(t, validateSARIF(t, schema, out))
	})
	t.Run("real fixes and related locations", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "app.py", "print(1)\n")
		write(t, dir, "requirements.txt", "flask\n")
		write(t, dir, "Dockerfile", "FROM python:3.12\nworkdir /app\nCOPY . /app\nRUN apt-get update\nRUN pip install -r /app/requirements.txt\nENV APP_ENV production\nCMD python app.py\n")
		_, out, _ := inDir(t, dir, "check", "--format", "sarif")
		checkGitHubSARIF(t, validateSARIF(t, schema, out))
	})
	t.Run("corpus", func(t *testing.T) {
		files := testgen.CorpusFiles(t)
		if len(files) > 300 {
			files = files[:300]
		}
		_, out, _ := runCLI(t, append([]string{"check", "--format", "sarif"}, files...)...)
		checkGitHubSARIF(t, validateSARIF(t, schema, out))
	})
	t.Run("no findings", func(t *testing.T) {
		p := write(t, t.TempDir(), "Dockerfile", "FROM alpine:3.19@sha256:"+strings.Repeat("a", 64)+"\n")
		_, out, _ := runCLI(t, "check", "--format", "sarif", p)
		validateSARIF(t, schema, out)
	})
}

func checkGitHubSARIF(t *testing.T, log map[string]any) {
	t.Helper()
	run := log["runs"].([]any)[0].(map[string]any)
	rules := run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
	for _, r := range rules {
		r := r.(map[string]any)
		if r["id"] == "" || r["shortDescription"] == nil {
			t.Errorf("rule %v", r)
		}
	}
	results := run["results"].([]any)
	if len(results) == 0 {
		t.Fatal("no results")
	}
	fixes := 0
	for _, res := range results {
		res := res.(map[string]any)
		idx := int(res["ruleIndex"].(float64))
		if rules[idx].(map[string]any)["id"] != res["ruleId"] {
			t.Errorf("ruleIndex %d does not point at %v", idx, res["ruleId"])
		}
		loc := res["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
		if loc["artifactLocation"].(map[string]any)["uri"] == "" || loc["region"].(map[string]any)["startLine"].(float64) < 1 {
			t.Errorf("location %v", loc)
		}
		if f, ok := res["fixes"].([]any); ok {
			fixes += len(f)
		}
	}
	if fixes == 0 {
		t.Log("no fixes in this SARIF")
	}
}

func TestSARIFURI(t *testing.T) {
	for in, want := range map[string]string{
		"Dockerfile":            "Dockerfile",
		"a b/Dockerfile":        "a%20b/Dockerfile",
		"/abs/x.Dockerfile":     "file:///abs/x.Dockerfile",
		"weird:name/Dockerfile": "./weird:name/Dockerfile",
	} {
		if got := sarifURI(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	if err := writeSARIF(&b, nil, "/"); err != nil || !strings.Contains(b.String(), `"results": []`) {
		t.Errorf("%v %s", err, b.String())
	}
}
