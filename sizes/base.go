package sizes

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/distribution/reference"
)

//go:embed baseimages.json
var baseImagesJSON []byte

// Figure is one approximate size from the table, with where it comes from.
type Figure struct {
	Variant string   `json:"name"`
	Aliases []string `json:"aliases"`
	Tag     string   `json:"tag"`  // the tag the figure was listed for
	MB      float64  `json:"mb"`   // compressed megabytes (10^6 bytes)
	AsOf    string   `json:"asOf"` // when the figure was listed
	Source  string   `json:"source"`
	// Toolchain overrides the repository's toolchain flag for this
	// variant (buildpack-deps:curl is not a build image).
	Toolchain *bool `json:"toolchain"`
	// Sets names the table's packageSets the variant already contains.
	Sets []string `json:"packages"`
	// Service: the variant's own CMD runs a server (nginx, php:fpm).
	Service bool `json:"service"`
}

// slimmer is how a smaller variant's tag is written from the current one.
type slimmer struct {
	Variant string `json:"variant"`
	Format  string `json:"format"`
	// Since is the first version the variant was published for ("" for
	// all): older tags get no suggestion that was never published.
	Since string `json:"since"`
}

// entry is one repository of the table.
type entry struct {
	Repo      string               `json:"repo"`
	Toolchain bool                 `json:"toolchain"`
	Ship      []string             `json:"ship"`
	LatestAs  string               `json:"latestAs"`
	Variants  []Figure             `json:"variants"`
	Slimmer   map[string][]slimmer `json:"slimmer"`
}

type table struct {
	Sources map[string]string `json:"sources"`
	// PackageSets are lists of OS packages some variants already contain.
	PackageSets map[string][]string `json:"packageSets"`
	Images      []entry             `json:"images"`
}

var loadTable = sync.OnceValue(func() *table {
	dec := json.NewDecoder(bytes.NewReader(baseImagesJSON))
	dec.DisallowUnknownFields()
	var raw struct {
		About string `json:"about"`
		table
	}
	if err := dec.Decode(&raw); err != nil {
		panic("sizes: baseimages.json: " + err.Error())
	}
	return &raw.table
})

// SourceText describes a figure's source in words.
func SourceText(f Figure) string {
	s := loadTable().Sources[f.Source]
	if s == "" {
		s = f.Source
	}
	return s
}

// Alternative is a smaller image to use instead.
type Alternative struct {
	Ref    string // e.g. "python:3.12-slim"
	Figure Figure // its table figure (MB 0 when unknown)
}

// BaseImage is what the table knows about an image reference.
type BaseImage struct {
	Ref       string // as given (after ARG expansion)
	Repo      string // normalised: "python", "gcr.io/distroless/static"
	Tag       string // "" when none was written
	Known     bool   // the repository is in the table
	Figure    Figure // the figure for the tag's variant; MB 0 when unknown
	Toolchain bool   // an image for building software, not for shipping it
	// Slimmer are smaller variants of the same image, smallest last.
	Slimmer []Alternative
	// Ship are images to ship instead, for toolchains.
	Ship []Alternative
	// Packages are OS packages the variant already contains (the
	// compilers and headers of python:3.12, PHPIZE_DEPS of php:8.3-fpm):
	// installing one again adds nothing. Empty when unknown.
	Packages map[string]bool
	// Service: the image's own CMD runs a server, so a Dockerfile FROM it
	// that sets no CMD still ships one.
	Service bool
}

// Scratch reports whether ref is the empty image.
func Scratch(ref string) bool { return strings.EqualFold(strings.TrimSpace(ref), "scratch") }

// baseMemo keeps Base's answers by reference: Base is a pure function of
// it, and every keystroke's analysis asks for each stage's base. Bounded,
// since typing a FROM line asks for every prefix of the name.
var baseMemo struct {
	sync.Mutex
	m map[string]BaseImage
}

const baseMemoMax = 1024

// Base looks an image reference up in the table ("python:3.12",
// "docker.io/library/node:20-alpine@sha256:…"). Callers share the result's
// slices and must not modify them.
func Base(ref string) BaseImage {
	baseMemo.Lock()
	b, ok := baseMemo.m[ref]
	baseMemo.Unlock()
	if ok {
		return b
	}
	b = lookupBase(ref)
	baseMemo.Lock()
	if baseMemo.m == nil || len(baseMemo.m) >= baseMemoMax {
		baseMemo.m = map[string]BaseImage{}
	}
	baseMemo.m[ref] = b
	baseMemo.Unlock()
	return b
}

func lookupBase(ref string) BaseImage {
	repo, tag, valid := splitRef(ref)
	out := BaseImage{Ref: ref, Repo: repo, Tag: tag}
	if !valid {
		return out
	}
	e := lookup(repo)
	if e == nil {
		return out
	}
	out.Known, out.Toolchain = true, e.Toolchain
	t := parseTag(tag, e.LatestAs)
	if f, ok := e.variant(t.variant); ok {
		out.Figure = f
		if f.Toolchain != nil {
			out.Toolchain = *f.Toolchain
		}
		out.Packages, out.Service = packagesOf(f), f.Service
	}
	for _, s := range e.Slimmer[out.Figure.Variant] {
		f, ok := e.variant(s.Variant)
		if !ok || out.Figure.MB == 0 || f.MB >= out.Figure.MB || olderThan(t.version, s.Since) {
			continue
		}
		out.Slimmer = append(out.Slimmer, Alternative{Ref: displayRepo(ref, repo) + ":" + t.format(s.Format), Figure: f})
	}
	for _, s := range e.Ship {
		out.Ship = append(out.Ship, shipAlternative(s, tag))
	}
	return out
}

// packagesOf are the packages of a variant's sets, shared by every
// reference to it.
func packagesOf(f Figure) map[string]bool {
	if len(f.Sets) == 0 {
		return nil
	}
	sets := loadPackageSets()
	out := map[string]bool{}
	for _, name := range f.Sets {
		for p := range sets[name] {
			out[p] = true
		}
	}
	return out
}

var loadPackageSets = sync.OnceValue(func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for name, pkgs := range loadTable().PackageSets {
		out[name] = map[string]bool{}
		for _, p := range pkgs {
			out[name][p] = true
		}
	}
	return out
})

// javaTag finds the Java version a build image's tag names:
// maven:3.5-jdk-8, maven:3.9-eclipse-temurin-21, gradle:8-jdk21.
var javaTag = regexp.MustCompile(`(?:jdk|temurin|openjdk|corretto|semeru-runtimes|graalvm-ce|ibmjava)-?([0-9]+)`)

// shipAlternative is a ship image of the table, its {java} replaced by the
// Java version of the tag; unknown, it is left for the user to choose.
func shipAlternative(ship, tag string) Alternative {
	if !strings.Contains(ship, "{java}") {
		return Alternative{Ref: ship, Figure: Base(ship).Figure}
	}
	m := javaTag.FindStringSubmatch(strings.ToLower(tag))
	if m == nil {
		return Alternative{Ref: strings.ReplaceAll(ship, "{java}", "<java version>")}
	}
	ref := strings.ReplaceAll(ship, "{java}", m[1])
	return Alternative{Ref: ref, Figure: Base(ref).Figure}
}

// olderThan: version is a dotted number before since ("2.2.3" < "2.3");
// false when either names no number (latest, lts).
func olderThan(version, since string) bool {
	if since == "" || version == "" || version[0] < '0' || version[0] > '9' {
		return false
	}
	v, w := strings.Split(version, "."), strings.Split(since, ".")
	for i := range w {
		a := 0
		if i < len(v) {
			a, _ = strconv.Atoi(v[i])
		}
		if b, _ := strconv.Atoi(w[i]); a != b {
			return a < b
		}
	}
	return false
}

func lookup(repo string) *entry {
	t := loadTable()
	for i := range t.Images {
		if t.Images[i].Repo == repo {
			return &t.Images[i]
		}
	}
	return nil
}

func (e *entry) variant(name string) (Figure, bool) {
	for _, f := range e.Variants {
		if f.Variant == name {
			return f, true
		}
		for _, a := range f.Aliases {
			if a == name {
				return f, true
			}
		}
	}
	return Figure{}, false
}

// splitRef normalises an image reference into repository (familiar form:
// "python", "ghcr.io/o/r") and tag. ok is false when the name or tag is not
// valid (upper case, a space, …): BuildKit could not pull it, so the table
// has nothing to say about it. A digest says nothing about size and is
// not checked: one being typed leaves the hints alone.
func splitRef(ref string) (repo, tag string, ok bool) {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", "", false
	}
	if t, isTagged := named.(reference.Tagged); isTagged {
		tag = t.Tag()
	}
	return reference.FamiliarName(named), tag, true
}

// displayRepo is the repository as the user wrote it (registry prefix
// kept), for suggestions.
func displayRepo(ref, repo string) string {
	r := ref
	if i := strings.IndexByte(r, '@'); i >= 0 {
		r = r[:i]
	}
	if i := strings.LastIndexByte(r, ':'); i > strings.LastIndexByte(r, '/') {
		r = r[:i]
	}
	if r == "" {
		return repo
	}
	return r
}

// codenames of Debian and Ubuntu releases, which tags carry.
var codenames = map[string]bool{
	"jessie": true, "stretch": true, "buster": true, "bullseye": true, "bookworm": true, "trixie": true, "sid": true,
	"xenial": true, "bionic": true, "focal": true, "jammy": true, "noble": true,
}

var versionTok = regexp.MustCompile(`^v?[0-9][0-9a-z.+_]*$|^(latest|lts|current|stable|oldstable|testing|unstable|mainline|edge|rolling)$`)
var trailingNum = regexp.MustCompile(`[0-9.]+$`)

type tagParts struct {
	version  string // "3.12", "" for latest
	codename string
	variant  string // "full" when nothing but version and codename
}

// parseTag reads "3.12-slim-bookworm" as version 3.12, codename bookworm,
// variant slim; "21-jre-alpine3.19" as 21, "", "jre-alpine".
func parseTag(tag, latestAs string) tagParts {
	var p tagParts
	toks := strings.Split(strings.ToLower(tag), "-")
	i := 0
	if tag != "" && versionTok.MatchString(toks[0]) {
		p.version = toks[0]
		i = 1
	}
	var rest []string
	for _, t := range toks[i:] {
		switch {
		case t == "":
		case codenames[t] && p.codename == "":
			p.codename = t
		case trailingNum.ReplaceAllString(t, "") == "":
			// a bare number after the variant ("eclipse-temurin-21")
		default:
			rest = append(rest, trailingNum.ReplaceAllString(t, ""))
		}
	}
	if p.version == "latest" {
		p.version = ""
	}
	if p.version == "" && p.codename == "" {
		p.version = latestAs
	}
	p.variant = strings.Join(rest, "-")
	if p.variant == "" {
		p.variant = "full"
	}
	return p
}

// format writes a variant's tag: {v} version, {c} codename, {-c}
// "-codename" when there is one.
func (p tagParts) format(f string) string {
	dash := ""
	if p.codename != "" {
		dash = "-" + p.codename
	}
	s := strings.NewReplacer("{v}", p.version, "{c}", p.codename, "{-c}", dash).Replace(f)
	return strings.Trim(strings.ReplaceAll(s, "--", "-"), "-")
}

// MBText writes a table figure: "≈ 45 MB", "≈ 3.4 MB", "< 1 MB".
func MBText(mb float64) string {
	switch {
	case mb <= 0:
		return "0 MB"
	case mb < 1:
		return "< 1 MB"
	case mb < 10 && mb != float64(int(mb)):
		return fmt.Sprintf("≈ %.1f MB", mb)
	}
	return fmt.Sprintf("≈ %.0f MB", mb)
}
