package config

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// A rule set to "false" is off, in editor settings as in a project file
// (Validate accepts it, so the filter must too).
func TestDiagnosticsRuleSettings(t *testing.T) {
	cfg := Settings{Rules: map[string]string{
		"CopyBeforeInstall": "false",
		"HeavyBaseImage":    "off",
		"UnpinnedBaseImage": "error",
		"NoSuchSeverity":    "loud",
	}}.Diagnostics()
	for _, rule := range []string{"CopyBeforeInstall", "HeavyBaseImage"} {
		if !cfg.Disabled[rule] {
			t.Errorf("%s should be disabled", rule)
		}
	}
	if cfg.Severity["UnpinnedBaseImage"] != diagnostics.Error {
		t.Errorf("UnpinnedBaseImage severity = %v, want error", cfg.Severity["UnpinnedBaseImage"])
	}
	if _, set := cfg.Severity["NoSuchSeverity"]; set || cfg.Disabled["NoSuchSeverity"] {
		t.Error("an unknown severity must be ignored")
	}
}
