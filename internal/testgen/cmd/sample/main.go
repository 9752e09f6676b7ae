// Command sample re-makes the in-repo sample of the real-world Dockerfile
// corpus that `make test` runs over (internal/testgen/testdata/corpus), from
// a full copy of the corpus:
//
//	go run ./internal/testgen/cmd/sample -from ../shared/corpus
//
// The choice is deterministic, so the same corpus always gives the same
// sample. It keeps every awesome-compose file (few, small and well written:
// where false positives show) and picks the rest of -n from github/,
// stratified so that rare bases and languages are not drowned by the many
// ubuntu+apt files:
//   - -broken files that BuildKit's parser rejects, spread over base images;
//   - the others grouped by the first FROM's image name (images with fewer
//     than -min-group files share one group); each group gets at least two
//     files, the rest by size (highest averages method);
//   - within a group, files are taken in turn from each language/package
//     manager signature (pip, npm, go, …, with apt, apk or yum), largest
//     signature first, each in file name order.
package main

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// sources are the corpus folders, each with the licence file it carries.
var sources = []struct{ dir, license string }{
	{"awesome-compose", "LICENSE"},
	{"github", "LICENSE.md"},
}

// keptWhole is the source copied whole rather than sampled.
const keptWhole = "awesome-compose"

const brokenGroup = "(does not parse)"

type file struct {
	source, name string
	base         string // the first FROM's image name
	group        string // base, "(other)" for rare bases, or brokenGroup
	signature    string // language/package manager, e.g. "python/apt"
}

func main() {
	from := flag.String("from", "../shared/corpus", "the full corpus")
	to := flag.String("to", "internal/testgen/testdata/corpus", "where the sample goes (replaced)")
	total := flag.Int("n", 300, "files in the sample")
	broken := flag.Int("broken", 15, "of which files BuildKit's parser rejects")
	minGroup := flag.Int("min-group", 4, "files a base image needs for a group of its own")
	skip := flag.String("skip", "", "another sample whose github/ files are not chosen again (a disjoint second sample)")
	flag.Parse()
	if err := run(*from, *to, *skip, *total, *broken, *minGroup); err != nil {
		fmt.Fprintln(os.Stderr, "sample:", err)
		os.Exit(1)
	}
}

func run(from, to, skip string, total, broken, minGroup int) error {
	whole, err := load(from, keptWhole)
	if err != nil {
		return err
	}
	github, err := load(from, "github")
	if err != nil {
		return err
	}
	if skip != "" {
		github = withoutSampled(github, filepath.Join(skip, "github"))
	}
	groupRareBases(github, minGroup)
	chosen := choose(github, total-len(whole), broken)
	printSummary(github, chosen)
	return write(from, to, append(whole, chosen...))
}

// withoutSampled drops the files that dir (another sample's github/) holds.
func withoutSampled(files []file, dir string) []file {
	return slices.DeleteFunc(files, func(f file) bool {
		_, err := os.Stat(filepath.Join(dir, f.name))
		return err == nil
	})
}

// load reads and describes the Dockerfiles of one source folder.
func load(from, source string) ([]file, error) {
	entries, err := os.ReadDir(filepath.Join(from, source))
	if err != nil {
		return nil, fmt.Errorf("reading the corpus: %w", err)
	}
	var files []file
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), "LICENSE") || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		text, err := os.ReadFile(filepath.Join(from, source, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading the corpus: %w", err)
		}
		base := baseImage(text)
		f := file{source: source, name: e.Name(), base: base, group: base, signature: signature(text)}
		if !parses(text) {
			f.group = brokenGroup
		}
		files = append(files, f)
	}
	return files, nil
}

var fromImage = regexp.MustCompile(`(?im)^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*(\S+)`)

// baseImage is the first FROM's image name without registry, path, tag or
// digest ("docker.io/library/python:3.12" is "python").
func baseImage(text []byte) string {
	m := fromImage.FindSubmatch(text)
	switch {
	case m == nil:
		return "(no FROM)"
	case bytes.ContainsRune(m[1], '$'):
		return "(variable)"
	}
	name := path.Base(strings.ToLower(string(m[1])))
	name, _, _ = strings.Cut(name, "@")
	name, _, _ = strings.Cut(name, ":")
	return name
}

// languages and systems are the signals of a signature, first match wins.
var (
	languages = []struct {
		name string
		re   *regexp.Regexp
	}{
		{"python", regexp.MustCompile(`\bpip[0-9.]*\s+install|-m\s+pip\b|\bconda\s+install|\bpoetry\s+install`)},
		{"node", regexp.MustCompile(`\b(npm|yarn|pnpm)\s+(install|ci|add)\b|\byarn\s*($|&&)`)},
		{"go", regexp.MustCompile(`\bgo\s+(build|get|install|mod)\b`)},
		{"jvm", regexp.MustCompile(`\bmvn\b|\bgradlew?\b`)},
		{"ruby", regexp.MustCompile(`\b(gem|bundle)\s+install\b`)},
		{"php", regexp.MustCompile(`\bcomposer\s+install\b|docker-php-ext-install`)},
		{"rust", regexp.MustCompile(`\bcargo\s+(build|install)\b`)},
		{"dotnet", regexp.MustCompile(`\bdotnet\s+(restore|publish|build)\b`)},
	}
	systems = []struct {
		name string
		re   *regexp.Regexp
	}{
		{"apt", regexp.MustCompile(`\bapt(-get)?\s+(-\S+\s+)*(install|update)\b`)},
		{"apk", regexp.MustCompile(`\bapk\s+(add|update)\b`)},
		{"yum", regexp.MustCompile(`\b(yum|dnf|microdnf)\s+(-\S+\s+)*install\b`)},
	}
)

// signature is "language/system", each "-" when nothing matches.
func signature(text []byte) string {
	lang, sys := "-", "-"
	for _, l := range languages {
		if l.re.Match(text) {
			lang = l.name
			break
		}
	}
	for _, s := range systems {
		if s.re.Match(text) {
			sys = s.name
			break
		}
	}
	return lang + "/" + sys
}

// parses is BuildKit's verdict: the file parses and each instruction too.
func parses(text []byte) bool {
	res, err := parser.Parse(bytes.NewReader(text))
	if err != nil {
		return false
	}
	_, _, err = instructions.Parse(res.AST, nil)
	return err == nil
}

// groupRareBases puts the bases with fewer than min files in one group.
func groupRareBases(files []file, min int) {
	sizes := map[string]int{}
	for _, f := range files {
		sizes[f.group]++
	}
	for i, f := range files {
		if f.group != brokenGroup && sizes[f.group] < min {
			files[i].group = "(other)"
		}
	}
}

// choose picks n files: broken of them from brokenGroup, spread over base
// images, and the others over the base image groups.
func choose(files []file, n, broken int) []file {
	groups := map[string][]file{}
	for _, f := range files {
		groups[f.group] = append(groups[f.group], f)
	}
	chosen := roundRobin(groups[brokenGroup], broken, func(f file) string { return f.base })
	delete(groups, brokenGroup)
	quotas := allocate(groups, n-len(chosen))
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		chosen = append(chosen, roundRobin(groups[g], quotas[g], func(f file) string { return f.signature })...)
	}
	return chosen
}

// allocate gives each group min(2, size) and the rest one by one to the
// group with the highest size/(quota+1): proportional, in whole files.
func allocate(groups map[string][]file, n int) map[string]int {
	quotas := map[string]int{}
	keys := slices.Sorted(maps.Keys(groups))
	for _, k := range keys {
		quotas[k] = min(2, len(groups[k]))
		n -= quotas[k]
	}
	for ; n > 0; n-- {
		best, bestScore := "", 0.0
		for _, k := range keys {
			if quotas[k] == len(groups[k]) {
				continue
			}
			if score := float64(len(groups[k])) / float64(quotas[k]+1); score > bestScore {
				best, bestScore = k, score
			}
		}
		if best == "" {
			break
		}
		quotas[best]++
	}
	return quotas
}

// roundRobin takes n files, in turn from each key's files (largest key
// first, ties by key), each key's files in name order.
func roundRobin(files []file, n int, key func(file) string) []file {
	byKey := map[string][]file{}
	for _, f := range files {
		byKey[key(f)] = append(byKey[key(f)], f)
	}
	keys := slices.SortedFunc(maps.Keys(byKey), func(a, b string) int {
		return cmp.Or(cmp.Compare(len(byKey[b]), len(byKey[a])), cmp.Compare(a, b))
	})
	for _, k := range keys {
		slices.SortFunc(byKey[k], func(a, b file) int { return cmp.Compare(a.name, b.name) })
	}
	var out []file
	for round := 0; len(out) < n; round++ {
		took := false
		for _, k := range keys {
			if round < len(byKey[k]) && len(out) < n {
				out = append(out, byKey[k][round])
				took = true
			}
		}
		if !took {
			break
		}
	}
	return out
}

// printSummary prints how many files of each group and signature were
// chosen, to see the spread (the README quotes it).
func printSummary(all, chosen []file) {
	printCounts("group", all, chosen, func(f file) string { return f.group })
	printCounts("signature", all, chosen, func(f file) string { return f.signature })
	fmt.Printf("%-20s %4d of %4d\n", "github total", len(chosen), len(all))
}

func printCounts(title string, all, chosen []file, key func(file) string) {
	sizes, picked := map[string]int{}, map[string]int{}
	for _, f := range all {
		sizes[key(f)]++
	}
	for _, f := range chosen {
		picked[key(f)]++
	}
	fmt.Printf("%s:\n", title)
	for _, k := range slices.Sorted(maps.Keys(sizes)) {
		fmt.Printf("  %-18s %4d of %4d\n", k, picked[k], sizes[k])
	}
}

// write replaces each source folder under to with its chosen files and its
// licence.
func write(from, to string, chosen []file) error {
	for _, s := range sources {
		dir := filepath.Join(to, s.dir)
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("clearing the old sample: %w", err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("writing the sample: %w", err)
		}
		if err := copyFile(filepath.Join(from, s.dir, s.license), filepath.Join(dir, s.license)); err != nil {
			return err
		}
	}
	for _, f := range chosen {
		if err := copyFile(filepath.Join(from, f.source, f.name), filepath.Join(to, f.source, f.name)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copying into the sample: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("copying into the sample: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s: %w", src, err)
	}
	return out.Close()
}
