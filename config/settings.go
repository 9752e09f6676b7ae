// Package config holds the settings that shape an analysis, whoever gives
// them: the project file .dockerfile-ls.yaml, the editor (LSP
// initializationOptions and workspace/configuration) or the command line.
// The file wins over the editor, so the editor and CI never disagree; the
// editor fills in what the file leaves out.
package config

import (
	"maps"
	"path/filepath"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Settings are the user-facing knobs. The zero value means "defaults".
type Settings struct {
	// Rules maps a rule name to off, hint, info, warning or error.
	Rules map[string]string `json:"rules,omitempty" yaml:"rules,omitempty"`
	// Categories switches whole categories (buildkit, cache, size) on or off.
	Categories map[string]bool `json:"categories,omitempty" yaml:"categories,omitempty"`
	// BuildContext is the build context folder, relative to the Dockerfile's
	// folder (or absolute); "" means the Dockerfile's folder.
	BuildContext string `json:"buildContext,omitempty" yaml:"context,omitempty"`
	// AllowedContexts are folders outside the Dockerfile's workspace folder
	// where its build context may be (see buildcontext.Scope). Only the
	// editor gives them, from user or machine settings: a file in the
	// repository cannot widen what the server walks, so the project file
	// has no such key.
	AllowedContexts []string `json:"allowedContexts,omitempty" yaml:"-"`
	// Target is the stage to build; "" means the last one.
	Target string `json:"target,omitempty" yaml:"target,omitempty"`
	// BuildArgs are the build args the build passes.
	BuildArgs map[string]string `json:"buildArgs,omitempty" yaml:"args,omitempty"`
	// Sizes says how size hints are shown: inlayHints, codeLens or off.
	Sizes string `json:"sizes,omitempty" yaml:"sizes,omitempty"`
	// FormatMultiline, when false, makes formatting leave the continuation
	// lines of multi-line instructions as written (nil: format them).
	FormatMultiline *bool `json:"formatMultiline,omitempty" yaml:"formatMultiline,omitempty"`
	// CacheHistory are the editor's cache-history settings. Only the
	// editor gives them: replaying the history is the user's choice on
	// their machine, not the repository's.
	CacheHistory CacheHistory `json:"cacheHistory,omitzero" yaml:"-"`
}

// CacheHistory: a code lens on each step, how often it re-ran over the
// repository's recent history (server/history.go); nil means off.
type CacheHistory struct {
	CodeLens *bool `json:"codeLens,omitempty"`
}

// Merge returns s with the unset fields taken from fallback (maps merge
// key by key, s winning).
func (s Settings) Merge(fallback Settings) Settings {
	out := s
	out.Rules = mergeMap(fallback.Rules, s.Rules)
	out.Categories = mergeMap(fallback.Categories, s.Categories)
	out.BuildArgs = mergeMap(fallback.BuildArgs, s.BuildArgs)
	if out.BuildContext == "" {
		out.BuildContext = fallback.BuildContext
	}
	if out.AllowedContexts == nil {
		out.AllowedContexts = fallback.AllowedContexts
	}
	if out.Target == "" {
		out.Target = fallback.Target
	}
	if out.Sizes == "" {
		out.Sizes = fallback.Sizes
	}
	if out.FormatMultiline == nil {
		out.FormatMultiline = fallback.FormatMultiline
	}
	if out.CacheHistory.CodeLens == nil {
		out.CacheHistory.CodeLens = fallback.CacheHistory.CodeLens
	}
	return out
}

func mergeMap[V any](low, high map[string]V) map[string]V {
	if len(low) == 0 && len(high) == 0 {
		return nil
	}
	out := maps.Clone(low)
	if out == nil {
		out = map[string]V{}
	}
	maps.Copy(out, high)
	return out
}

// Diagnostics turns the rule and category settings into the filter the
// analysis applies. Unknown severities are ignored (and reported by
// Validate).
func (s Settings) Diagnostics() diagnostics.Config {
	cfg := diagnostics.Config{Off: map[diagnostics.Category]bool{}, Severity: map[string]diagnostics.Severity{}, Disabled: map[string]bool{}}
	for cat, on := range s.Categories {
		cfg.Off[diagnostics.Category(cat)] = !on
	}
	for rule, setting := range s.Rules {
		sev, ok := parseRuleSeverity(setting)
		switch {
		case !ok:
		case sev == "off":
			cfg.Disabled[rule] = true
		default:
			v, _ := diagnostics.ParseSeverity(sev)
			cfg.Severity[rule] = v
		}
	}
	return cfg
}

// ContextRoot is the build context folder for the Dockerfile at
// dockerfilePath: BuildContext resolved against the Dockerfile's folder,
// or that folder.
func (s Settings) ContextRoot(dockerfilePath string) string {
	dir := filepath.Dir(dockerfilePath)
	switch {
	case s.BuildContext == "":
		return dir
	case filepath.IsAbs(s.BuildContext):
		return s.BuildContext
	}
	return filepath.Join(dir, s.BuildContext)
}

// BuildOptions are the settings that change what instructions mean: one
// place turns them into the model's options, so that every reader of a
// document asks for the same build state (the document keeps only the
// last one asked for).
func (s Settings) BuildOptions() dockerfile.Options {
	return dockerfile.Options{BuildArgs: s.BuildArgs}
}
