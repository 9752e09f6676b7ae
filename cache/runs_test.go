package cache_test

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/sizes"
)

// TestRunsAgreeWithModel: with "# escape=`" on a Linux base, the cache
// engine's view of a RUN is the model's: the prediction re-runs it, its
// package-manager commands are found and the size hints list what it
// installs (the cache package used to guess Windows and read nothing).
func TestRunsAgreeWithModel(t *testing.T) {
	doc := dockerfile.Parse([]byte("# escape=`\nFROM python:3.12\nCOPY . .\nRUN pip install --no-cache-dir `\n    -r requirements.txt\n"))
	run := doc.Instructions[2]
	steps := cache.Predict(cache.Input{Doc: doc}, cache.Change{Paths: []string{"app.py"}})
	if last := steps[len(steps)-1]; last.Inst != run || last.Status != cache.ReRun {
		t.Errorf("prediction for the RUN: %+v", last)
	}
	invs := cache.Invocations(doc, run)
	if len(invs) != 1 || invs[0].Manager.Name != "pip" || strings.Join(invs[0].Files, ",") != "requirements.txt" {
		t.Errorf("invocations: %+v", invs)
	}
	var label string
	for _, h := range sizes.HintsFor(doc.State(dockerfile.Options{}), nil) {
		if h.Inst == run {
			label = h.Label
		}
	}
	if !strings.Contains(label, "installs pip: requirements.txt") {
		t.Errorf("size hint for the RUN: %q", label)
	}
}

// TestRunsWindowsBase: a RUN on a Windows base runs in cmd: no script, no
// package-manager commands.
func TestRunsWindowsBase(t *testing.T) {
	doc := dockerfile.Parse([]byte("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN pip install `\n    flask\n"))
	run := doc.Instructions[1]
	if s := doc.Script(run); s != nil {
		t.Errorf("script on servercore: %+v", s.Commands)
	}
	if invs := cache.Invocations(doc, run); invs != nil {
		t.Errorf("invocations on servercore: %+v", invs)
	}
}
