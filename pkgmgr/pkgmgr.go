// Package pkgmgr knows the package managers that Dockerfiles run: how each is
// invoked, which manifest and lock files it reads, where it caches downloads
// (for BuildKit cache mounts), and which flags and commands keep its caches
// out of the image. The knowledge is data, in catalog.json; Classify matches
// a shell.Command against it.
package pkgmgr

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

// Action kinds.
const (
	Install  = "install"  // installs packages or a project's dependencies
	Build    = "build"    // compiles or packages the project
	Update   = "update"   // refreshes the package index (apt-get update)
	Download = "download" // fetches dependencies without installing them
	Clean    = "clean"    // removes caches (yum clean all, rm -rf /var/lib/apt/lists/*)
	Remove   = "remove"   // uninstalls packages
)

// Manager is one package manager as described in catalog.json.
type Manager struct {
	Name      string `json:"name"`
	Ecosystem string `json:"ecosystem"` // debian, alpine, rpm, python, node, go, rust, ruby, php, java, dotnet
	System    bool   `json:"system"`    // installs operating-system packages
	// Commands are the word sequences that start an invocation; each word is
	// a path.Match pattern for the base name of the word (`python[0-9]*`,
	// "-m", "pip").
	Commands [][]string `json:"commands"`
	Actions  []Action   `json:"actions"`
	// Goals: the words after the command are goals or tasks in any order
	// (mvn clean package); the first action, in catalog order, one of whose
	// words appears wins, else DefaultKind when there is any word.
	Goals       bool   `json:"goals"`
	DefaultKind string `json:"defaultKind"`
	// Clusters: "-yq" is "-y" "-q", and "-rfile" is "-r" "file".
	Clusters bool `json:"clusters"`
	// ValueFlags take the next word as their value (unless written --x=v).
	ValueFlags []string `json:"valueFlags"`
	// FileFlags name manifest or requirement files (pip -r, -c).
	FileFlags []string `json:"fileFlags"`
	// PathFlags name something to install that may be a local path (pip -e).
	PathFlags []string `json:"pathFlags"`
	// PathArgs says which package arguments are local paths: "strict" (./x,
	// /x, ~/x, file:x, or a package file such as x.whl) or "loose" (also
	// any relative path with a slash that is not a URL).
	PathArgs string `json:"pathArgs"`
	// Manifests, Locks and Configs are the files (path.Match patterns; a
	// trailing "/" means a directory) the manager reads to resolve what to
	// install, relative to the directory it runs in.
	Manifests []string `json:"manifests"`
	Locks     []string `json:"locks"`
	Configs   []string `json:"configs"`
	// Caches are the directories to mount with --mount=type=cache.
	Caches []Cache `json:"caches"`
	// CleanPaths are directories, besides Caches, whose removal is this
	// manager's cleanup (apt's /var/lib/apt/lists).
	CleanPaths []string `json:"cleanPaths"`
	// NoCacheFlags keep downloads out of the layer (pip --no-cache-dir);
	// NoCacheEnv are variables with the same effect (PIP_NO_CACHE_DIR=1).
	NoCacheFlags []string `json:"noCacheFlags"`
	NoCacheEnv   []string `json:"noCacheEnv"`
	// SizeFlags make the install smaller ("--no-install-recommends"); an
	// entry "name=value" needs that value (see Invocation.HasFlag).
	SizeFlags []string `json:"sizeFlags"`
	// RefreshFlags refresh the index as part of an install (apk add -U).
	RefreshFlags []string `json:"refreshFlags"`
	// OfflineFlags make a command download nothing (cargo --offline, go
	// -mod=vendor, bundle install --local): a cache mount keeps nothing.
	OfflineFlags []string `json:"offlineFlags"`
	// OtherMajor are texts that, in the instructions of a stage, mean a
	// major version whose caches lie where the catalog does not say (yarn
	// 2 and later: .yarnrc.yml, `yarn set version`, corepack).
	OtherMajor []string `json:"otherMajor"`
	// MountKeeps says what a cache mount keeps between builds when it is
	// not the downloaded packages (dnf deletes them after the install
	// unless keepcache is on): for messages; "" means the packages.
	MountKeeps string `json:"mountKeeps"`
	// RealBuild: the real-build proof (internal/realbuild) builds this
	// manager's cache fixes on real images, so a fix may drop its clean
	// commands inside a cache mount; for the others a fix is offered only
	// in forms whose safety does not depend on the manager.
	RealBuild bool `json:"realBuild"`
	// Distro describes the manager installed as an operating-system
	// package, whose version on old releases lacks what the catalog says.
	Distro *Distro `json:"distro"`
	Notes  string  `json:"notes"`
}

// Distro is a manager installed from a system manager's packages (pip from
// python3-pip): on some releases the packaged version has none of the
// Caches nor the NoCacheFlags (pip 1.5 on Ubuntu 14.04 and Debian 8 keeps
// no download cache and has no --no-cache-dir).
type Distro struct {
	Manager  string   `json:"manager"`  // the system manager ("apt")
	Packages []string `json:"packages"` // its packages of this manager
	// TooOld are the images (patterns) whose package is too old.
	TooOld []string `json:"tooOld"`
	// Known are the images whose release the patterns tell; on any other
	// image of that system manager the packaged version is unknown.
	Known []string `json:"known"`
}

// Action is one kind of thing a manager does and the subcommands doing it.
type Action struct {
	Kind string `json:"kind"`
	// Sub are the subcommand word sequences, matched against the words after
	// the command with flags skipped; an empty sequence matches a command
	// with no such words (a bare `yarn`).
	Sub [][]string `json:"sub"`
	// Args says what the words after the subcommand are: "packages",
	// "files" (manifests, e.g. dotnet restore App.csproj) or "" (ignored).
	Args string `json:"args"`
	// Project: the action needs the project sources, not only manifests,
	// unless one of NoProjectFlags is given (poetry install --no-root).
	Project        bool     `json:"project"`
	NoProjectFlags []string `json:"noProjectFlags"`
	// NoArgsProject: without package arguments it works on the project
	// (go install).
	NoArgsProject bool `json:"noArgsProject"`
	// Fetch says what the action downloads: FetchAll, FetchMissing or
	// FetchNone; "" is FetchAll for install and download actions and
	// FetchNone for the others.
	Fetch string `json:"fetch"`
	// EmptiesCache: a clean action that removes nothing but the manager's
	// Caches (apt-get clean, npm cache clean), unlike one that removes build
	// output (mvn clean, go clean) or old versions (gem cleanup).
	EmptiesCache bool `json:"emptiesCache"`
}

// What an action downloads.
const (
	// FetchAll: all the packages it installs, whenever it runs without a
	// cache (npm ci, pip install, apt-get install).
	FetchAll = "all"
	// FetchMissing: what no earlier step put in the manager's cache (go
	// build, cargo build, mvn package, dotnet publish restore what is
	// missing).
	FetchMissing = "missing"
	// FetchNone: nothing (npm run build, yarn build, composer dump-autoload).
	FetchNone = "none"
)

// fetches is what the action downloads, its default filled in.
func (a Action) fetches() string {
	switch {
	case a.Fetch != "":
		return a.Fetch
	case a.Kind == Install || a.Kind == Download:
		return FetchAll
	}
	return FetchNone
}

// Cache is a directory a manager keeps downloads or build results in.
type Cache struct {
	// Path is the directory for root in the official images ("" if none).
	Path string `json:"path"`
	// Home is the same directory relative to $HOME, for other users.
	Home string `json:"home"`
	// Env is the variable that moves it.
	Env string `json:"env"`
	// Sharing is the cache mount sharing mode the manager needs ("locked"
	// for managers that cannot share their cache between parallel builds).
	Sharing string `json:"sharing"`
	// Fixed: the official images set Env to Path for every user (GOPATH=/go,
	// CARGO_HOME=/usr/local/cargo), so Path holds under a non-root USER too.
	Fixed bool `json:"fixed"`
	// Images are the images (patterns, see Image.Matches) whose layout
	// Path is: the official golang image's GOPATH=/go, ruby's
	// GEM_HOME=/usr/local/bundle. On others the cache is in the user's
	// home (Home), or nowhere the catalog knows. Empty: every image.
	Images []string `json:"images"`
	// NotOn are images whose version of the manager has no such cache
	// (Go before 1.13 keeps no module cache in GOPATH mode).
	NotOn []string `json:"notOn"`
	// OptIn: the manager uses the directory only when it exists (apk's
	// /etc/apk/cache). A cache mount creates it; an install without one
	// keeps nothing there.
	OptIn bool `json:"optIn"`
	// MovedBy are flags and variables that move the cache where the catalog
	// cannot tell (bundle install --deployment, BUNDLE_PATH), or where
	// another of the manager's caches says (COMPOSER_HOME).
	MovedBy []string `json:"movedBy"`
	// Output: the cache holds compiled output, not downloads (Go's build
	// cache): mounted with the others, never the reason for a cache-mount
	// finding (it is size in a layer all the same).
	Output bool `json:"output"`
	// Elsewhere names the cache, for messages, on the images whose layout
	// Path is not, where no folder can be told: a shell expression that
	// finds it ("$(gem env gemdir)/cache").
	Elsewhere string `json:"elsewhere"`
}

//go:embed catalog.json
var catalogJSON []byte

var (
	loadOnce sync.Once
	managers []Manager
)

// Catalog returns every known package manager. The slice is shared: do not
// modify it.
func Catalog() []Manager {
	loadOnce.Do(func() {
		var err error
		if managers, err = decodeCatalog(catalogJSON); err != nil {
			panic(err) // the embedded file is tested; this is a build defect
		}
	})
	return managers
}

// Lookup returns the manager with the given name, or nil.
func Lookup(name string) *Manager {
	all := Catalog()
	for i := range all {
		if all[i].Name == name {
			return &all[i]
		}
	}
	return nil
}

func decodeCatalog(data []byte) ([]Manager, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt key would silently drop data
	var c struct {
		Managers []Manager `json:"managers"`
	}
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("pkgmgr: catalog.json: %w", err)
	}
	return c.Managers, nil
}
