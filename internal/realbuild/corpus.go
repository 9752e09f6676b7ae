package realbuild

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// ProveFile proves the fixes of one corpus Dockerfile: a generated
// context, every variant (per kind only for the kinds wanted says yes
// to), both situations. A file that cannot build here (Buildable), or
// with no fix, is skipped without a build.
func (p *Prover) ProveFile(ctx context.Context, path string, locks Lockfiles, wanted func(Variant) bool) *Report {
	name := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
	r := &Report{Name: name}
	text, err := os.ReadFile(path)
	if err != nil {
		r.Skipped = "unreadable: " + err.Error()
		return r
	}
	if r.Skipped = Buildable(text); r.Skipped != "" {
		return r
	}
	r.Bases, _ = localBases(text)
	dir, err := os.MkdirTemp(p.Work, "file")
	if err != nil {
		r.Skipped = "work folder: " + err.Error()
		return r
	}
	defer os.RemoveAll(dir)
	c, err := GenerateContext(text, filepath.Join(dir, "ctx"), locks)
	if err != nil {
		r.Skipped = "no context: " + err.Error()
		return r
	}
	dfPath := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(dfPath, text, 0o644); err != nil {
		r.Skipped = "work folder: " + err.Error()
		return r
	}
	variants, err := Variants(ctx, text, c.Dir, dfPath, true)
	if err != nil {
		r.Skipped = "fixing failed: " + err.Error()
		return r
	}
	variants = slices.DeleteFunc(variants, func(v Variant) bool { return wanted != nil && !wanted(v) })
	if len(variants) == 0 {
		r.Skipped = noFix
		return r
	}
	proved := p.Prove(ctx, name, text, c, variants)
	proved.Bases = r.Bases
	return proved
}

// ProveFiles proves the files, as many at a time as the prover's Jobs
// (their builds share the prover's slots). done sees each report
// as it comes; wanted (nil: every variant) is asked one call at a time
// with done, so that it may read what done counted.
func (p *Prover) ProveFiles(ctx context.Context, files []string, locks Lockfiles, wanted func(Variant) bool, done func(*Report)) {
	var mu sync.Mutex
	guarded := func(v Variant) bool {
		mu.Lock()
		defer mu.Unlock()
		return wanted == nil || wanted(v)
	}
	sem := make(chan struct{}, max(p.Jobs, 1))
	var wg sync.WaitGroup
	for _, f := range files {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := p.ProveFile(ctx, f, locks, guarded)
			<-sem
			mu.Lock()
			defer mu.Unlock()
			done(r)
		}()
	}
	wg.Wait()
}

// noFix is the reason a file with no fix to prove is skipped.
const noFix = "no fix applies"

// localBases are the local images a Dockerfile's bases map onto; skipped
// says why it cannot be built ("unmapped base: alpine, golang:1.22").
func localBases(text []byte) (bases []string, skipped string) {
	keys, err := BaseImages(text)
	if err != nil {
		return nil, "does not parse: " + firstLine(err)
	}
	if len(keys) == 0 {
		return nil, "no base image"
	}
	var unmapped []string
	for _, k := range keys {
		if name, ok := MapName(k); ok {
			if !slices.Contains(bases, name) {
				bases = append(bases, name)
			}
		} else {
			unmapped = append(unmapped, k)
		}
	}
	if len(unmapped) > 0 {
		return nil, "unmapped base: " + strings.Join(unmapped, ", ")
	}
	slices.Sort(bases)
	return bases, ""
}

// KindCount is how a fix kind (or fix-all) fared over the built files.
type KindCount struct {
	Built, Broken int
	Problems      []string // "file: situation: problem"
}

// Summary adds up reports.
type Summary struct {
	Files, Built int
	Repaired     int                   // of Built: the original failed, and a repair was built (Repairs)
	Skipped      map[string]int        // by reason (the text before the first colon)
	ByBase       map[string]int        // built files per local image
	ByKind       map[string]*KindCount // per variant: fix-all, or a kind alone
	// Covered counts, per fix kind, the built files whose fix-all or
	// per-kind variant applied that kind.
	Covered map[string]int
	// Candidates counts, per fix kind, the corpus files it applies to
	// that may build here (Sweep): how far the corpus lets it be proved.
	Candidates map[string]int
	Builds     int
	BuildTime  time.Duration
}

// NewSummary returns an empty summary.
func NewSummary() *Summary {
	return &Summary{Skipped: map[string]int{}, ByBase: map[string]int{}, ByKind: map[string]*KindCount{}, Covered: map[string]int{}, Candidates: map[string]int{}}
}

// Add counts one report.
func (s *Summary) Add(r *Report) {
	s.Files++
	for _, b := range r.Builds {
		s.Builds++
		s.BuildTime += b.Duration
	}
	if r.Skipped != "" {
		reason, _, _ := strings.Cut(r.Skipped, ":")
		s.Skipped[reason]++
		return
	}
	s.Built++
	if r.OrigFailed != "" {
		s.Repaired++
	}
	for _, b := range r.Bases {
		s.ByBase[b]++
	}
	seen := map[string]bool{}
	for _, c := range r.Checks {
		for _, k := range c.Kinds {
			if !seen["kind "+string(k)] {
				seen["kind "+string(k)] = true
				s.Covered[string(k)]++
			}
		}
		k := s.ByKind[c.Variant]
		if k == nil {
			k = &KindCount{}
			s.ByKind[c.Variant] = k
		}
		if !seen[c.Variant] {
			seen[c.Variant] = true
			k.Built++
		}
		if p := c.Problem(); p != "" {
			if !seen[c.Variant+" broken"] {
				seen[c.Variant+" broken"] = true
				k.Broken++
			}
			k.Problems = append(k.Problems, fmt.Sprintf("%s: %s: %s", r.Name, c.Situation, firstLineOf(p)))
		}
	}
}

func firstLineOf(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// Markdown is the summary as the proofs page shows it.
func (s *Summary) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d files, %d built (original and fixes; %d of them repairs of an original that failed), %d builds in %s.\n\n", s.Files, s.Built, s.Repaired, s.Builds, s.BuildTime.Round(time.Second))
	b.WriteString("| base image | built files |\n|---|---|\n")
	for _, k := range sortedKeys(s.ByBase) {
		fmt.Fprintf(&b, "| %s | %d |\n", k, s.ByBase[k])
	}
	b.WriteString("\n| fixed version | built files | broken |\n|---|---|---|\n")
	for _, k := range sortedKeys(s.ByKind) {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", k, s.ByKind[k].Built, s.ByKind[k].Broken)
	}
	b.WriteString("\n| fix kind | built files it applied to | corpus files it applies to that may build |\n|---|---|---|\n")
	kinds := map[string]bool{}
	for k := range s.Covered {
		kinds[k] = true
	}
	for k := range s.Candidates {
		kinds[k] = true
	}
	for _, k := range sortedKeys(kinds) {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", k, s.Covered[k], s.Candidates[k])
	}
	b.WriteString("\n| skipped because | files |\n|---|---|\n")
	for _, k := range sortedKeys(s.Skipped) {
		fmt.Fprintf(&b, "| %s | %d |\n", k, s.Skipped[k])
	}
	for _, k := range sortedKeys(s.ByKind) {
		if ps := s.ByKind[k].Problems; len(ps) > 0 {
			fmt.Fprintf(&b, "\n%s broke:\n\n", k)
			for _, p := range ps {
				fmt.Fprintf(&b, "- %s\n", p)
			}
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// managerWords tell which package managers a Dockerfile installs with,
// for stratifying the sample.
var managerWords = []struct{ name, word string }{
	{"apt", "apt-get"}, {"npm", "npm "}, {"yarn", "yarn"}, {"pip", "pip"},
}

// networkFetch matches what cannot work from these machines, which reach
// only the package archives: a RUN command that downloads with curl or
// wget, clones with git, adds a PPA or a key from a key server, and an
// ADD of a URL.
var networkFetch = regexp.MustCompile(`(?im)(?:^\s*(?:RUN\s+(?:--\S+\s+)*)?|&&|;|\|)\s*(?:sudo\s+)?(?:curl|wget|git\s+clone|add-apt-repository|apt-key\s+adv)\s|^\s*ADD\s+(?:--\S+\s+)*https?://`)

// Buildable says why a Dockerfile cannot build on the oracle, without
// building it ("" when it may): a base with no local image, a fetch from
// the network, or an install of what the archives here do not hold.
func Buildable(text []byte) string {
	if _, skipped := localBases(text); skipped != "" {
		return skipped
	}
	if networkFetch.Match(text) {
		return "fetches from the network"
	}
	return unavailable(text)
}

// Stratum is the group a Dockerfile is sampled from: its local base
// images and the managers it installs with ("node+npm", "bookworm-slim+apt+pip").
func Stratum(text []byte) string {
	bases, _ := localBases(text)
	parts := slices.Clone(bases)
	for _, m := range managerWords {
		if strings.Contains(string(text), m.word) {
			parts = append(parts, m.name)
		}
	}
	return strings.Join(parts, "+")
}

// StratifiedSample picks n of the files that may build (Buildable),
// taking in turn from each stratum (in name order within one), so that
// the rare combinations are not drowned by the common ones. It also
// counts the files left out, by reason.
func StratifiedSample(files []string, n int) (sample []string, left map[string]int) {
	groups, left := map[string][]string{}, map[string]int{}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			left["unreadable"]++
			continue
		}
		if why := Buildable(text); why != "" {
			reason, _, _ := strings.Cut(why, ":")
			left[reason]++
			continue
		}
		groups[Stratum(text)] = append(groups[Stratum(text)], f)
	}
	keys := sortedKeys(groups)
	for _, k := range keys {
		slices.Sort(groups[k])
	}
	for round := 0; len(sample) < n; round++ {
		took := false
		for _, k := range keys {
			if round < len(groups[k]) && len(sample) < n {
				sample = append(sample, groups[k][round])
				took = true
			}
		}
		if !took {
			break
		}
	}
	return sample, left
}

// Sweep finds, without building, the fix kinds of the variants the proof
// would build for each file that may build on the oracle (Buildable), on
// the context it would generate for it: where each kind can be proved. Files that cannot
// build, or that no fix applies to, are left out.
func Sweep(ctx context.Context, files []string, locks Lockfiles, work string) (map[string][]diagnostics.FixKind, error) {
	out := map[string][]diagnostics.FixKind{}
	for _, f := range files {
		kinds, err := applied(ctx, f, locks, work)
		if err != nil {
			return nil, err
		}
		if len(kinds) > 0 {
			out[f] = kinds
		}
	}
	return out, nil
}

// applied are the kinds of the variants of one file (fix-all's and those
// alone); none when it cannot build on the oracle.
func applied(ctx context.Context, f string, locks Lockfiles, work string) ([]diagnostics.FixKind, error) {
	text, err := os.ReadFile(f)
	if err != nil || Buildable(text) != "" {
		return nil, nil
	}
	dir, err := os.MkdirTemp(work, "sweep")
	if err != nil {
		return nil, fmt.Errorf("realbuild: sweep: %w", err)
	}
	defer os.RemoveAll(dir)
	c, err := GenerateContext(text, filepath.Join(dir, "ctx"), locks)
	if err != nil {
		return nil, nil // the proof skips it too
	}
	dfPath := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(dfPath, text, 0o644); err != nil {
		return nil, fmt.Errorf("realbuild: sweep: %w", err)
	}
	vs, err := Variants(ctx, text, c.Dir, dfPath, true)
	if err != nil {
		return nil, nil
	}
	var kinds []diagnostics.FixKind
	for _, v := range vs {
		for _, k := range v.Kinds {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	return kinds, nil
}

// KindsFirst orders files so that the fix kinds come in early, rarest
// first: in turn, each kind (fewest files first) takes its next file not
// yet taken, until every file of kinds is placed; the files kinds says
// nothing of follow, in their order. A proof cut short has then reached
// as many kinds as it could.
func KindsFirst(files []string, kinds map[string][]diagnostics.FixKind) []string {
	byKind := map[diagnostics.FixKind][]string{}
	for _, f := range files {
		for _, k := range kinds[f] {
			byKind[k] = append(byKind[k], f)
		}
	}
	order := make([]diagnostics.FixKind, 0, len(byKind))
	for k := range byKind {
		order = append(order, k)
	}
	slices.SortFunc(order, func(a, b diagnostics.FixKind) int {
		if d := len(byKind[a]) - len(byKind[b]); d != 0 {
			return d
		}
		return strings.Compare(string(a), string(b))
	})
	taken := map[string]bool{}
	var out []string
	for round := 0; len(out) < len(kinds); round++ {
		took := false
		for _, k := range order {
			if round < len(byKind[k]) {
				took = true
				if f := byKind[k][round]; !taken[f] {
					taken[f] = true
					out = append(out, f)
				}
			}
		}
		if !took {
			break
		}
	}
	for _, f := range files {
		if !taken[f] {
			out = append(out, f)
		}
	}
	return out
}
