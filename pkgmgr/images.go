package pkgmgr

import (
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/distribution/reference"
)

// Image is what the catalog reads of a base image reference: where a
// cache lies can depend on the image (GOPATH=/go in golang) and on the
// version of the manager its tag names (Go before 1.13).
type Image struct {
	// Repo is the familiar repository name ("golang", "ghcr.io/o/r"); ""
	// when the reference is unknown or not valid.
	Repo string
	// Version is the version the tag starts with ("1.12" of
	// "1.12-alpine", "7" of "centos7"); "" when it names none ("latest",
	// "alpine", "buster"), which the catalog takes for the newest.
	Version string
	Tag     string // lower case; "" when none is written
}

// archNamespaces are Docker Hub's namespaces of the official images built
// for one platform (arm64v8/debian).
var archNamespaces = map[string]bool{
	"amd64": true, "arm32v5": true, "arm32v6": true, "arm32v7": true, "arm64v8": true,
	"i386": true, "mips64le": true, "ppc64le": true, "riscv64": true, "s390x": true,
}

var leadingVersion = regexp.MustCompile(`^v?([0-9]+(?:\.[0-9]+)*)`)

// ParseImage reads an image reference as written in FROM, variables
// expanded.
func ParseImage(ref string) Image {
	parsedImages.Lock()
	defer parsedImages.Unlock()
	img, ok := parsedImages.m[ref]
	if !ok {
		if len(parsedImages.m) >= maxParsedImages {
			clear(parsedImages.m)
		}
		img = parseImage(ref)
		parsedImages.m[ref] = img
	}
	return img
}

// parsedImages memoises ParseImage: the rules ask it about the same few
// base images for every install on every keystroke, and reference's
// regular expressions cost a dozen allocations a call. It is cleared when
// full, so a file of many distinct references cannot grow it unbounded.
var parsedImages = struct {
	sync.Mutex
	m map[string]Image
}{m: map[string]Image{}}

const maxParsedImages = 1024

func parseImage(ref string) Image {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return Image{}
	}
	img := Image{Repo: reference.FamiliarName(named)}
	if arch, repo, ok := strings.Cut(img.Repo, "/"); ok && archNamespaces[arch] && !strings.Contains(repo, "/") {
		img.Repo = repo // ppc64le/ubuntu is ubuntu built for another platform
	}
	if t, ok := named.(reference.Tagged); ok {
		img.Tag = strings.ToLower(t.Tag())
		tag := strings.TrimPrefix(img.Tag, path.Base(img.Repo)) // "centos7"
		if m := leadingVersion.FindStringSubmatch(tag); m != nil {
			img.Version = m[1]
		}
	}
	return img
}

// Matches reports whether the image matches a pattern: a repository
// ("golang"), with a version bound ("golang:<1.13", "centos:>=8") or a
// tag ("ubuntu:trusty" matches trusty and trusty-20190515), or "!repo":
// any image but that repository's, unknown ones too. An image whose
// version is not known is the newest: it matches ">=" bounds only.
func (img Image) Matches(pattern string) bool {
	if other, ok := strings.CutPrefix(pattern, "!"); ok {
		return img.Repo != other // also an image not known
	}
	repo, bound, hasBound := strings.Cut(pattern, ":")
	if img.Repo == "" || img.Repo != repo {
		return false
	}
	if !hasBound {
		return true
	}
	if v, ok := strings.CutPrefix(bound, ">="); ok {
		return img.Version == "" || compareVersions(img.Version, v) >= 0
	}
	if v, ok := strings.CutPrefix(bound, "<"); ok {
		return img.Version != "" && compareVersions(img.Version, v) < 0
	}
	return img.Tag == bound || strings.HasPrefix(img.Tag, bound+"-")
}

// MatchesAny reports whether the image matches one of the patterns.
func (img Image) MatchesAny(patterns []string) bool {
	for _, p := range patterns {
		if img.Matches(p) {
			return true
		}
	}
	return false
}

// compareVersions compares dotted numbers: "1.9" < "1.13"; a missing part
// is 0 ("8" == "8.0").
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		x, y := part(as, i), part(bs, i)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func part(parts []string, i int) int {
	if i >= len(parts) {
		return 0
	}
	n, _ := strconv.Atoi(parts[i])
	return n
}
