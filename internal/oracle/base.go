package oracle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// layoutStoreName is the --oci-layout store id the named contexts point at.
const layoutStoreName = "oraclebase"

// baseLabel marks which image name a busybox variant stands in for.
const baseLabel = "org.dockerfile-ls.oracle.base"

// ExternalImages returns the image names a Dockerfile pulls from outside the
// build (FROM, COPY --from, RUN --mount=from=), after ARG expansion with the
// given build args, in the form BuildKit looks named contexts up by
// (familiar name, ":latest" dropped). Stage names and scratch are not images.
func ExternalImages(df *Dockerfile, buildArgs map[string]string) []string {
	r := df.newImageResolver(buildArgs)
	seen := map[string]bool{}
	add := func(raw string) {
		if key, ok := r.external(raw); ok {
			seen[key] = true
		}
	}
	for _, st := range df.Stages {
		add(st.BaseName)
		for _, cmd := range st.Commands {
			switch c := cmd.(type) {
			case *instructions.CopyCommand:
				add(c.From)
			case *instructions.RunCommand:
				for _, m := range instructions.GetMounts(c) {
					add(m.From)
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// imageResolver decides whether a FROM / --from word names an image.
type imageResolver struct {
	df  *Dockerfile
	lex *shell.Lex
	env mapEnv
}

func (df *Dockerfile) newImageResolver(buildArgs map[string]string) *imageResolver {
	return &imageResolver{df: df, lex: shell.NewLex(df.escape), env: df.metaEnv(buildArgs)}
}

// external expands raw with the global ARGs and returns its named-context
// key when it is an image rather than scratch, a stage name or an index.
func (r *imageResolver) external(raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	name, _, err := r.lex.ProcessWord(raw, r.env)
	if err != nil {
		name = raw
	}
	if name == "" || strings.EqualFold(name, "scratch") {
		return "", false
	}
	if _, err := strconv.Atoi(name); err == nil {
		return "", false // COPY --from=0 refers to a stage by index
	}
	for _, st := range r.df.Stages {
		if st.Name != "" && strings.EqualFold(st.Name, name) {
			return "", false
		}
	}
	return contextKey(name)
}

// contextKey normalises an image reference the way dockerui.NamedContext
// does before it looks up "context:<name>".
func contextKey(name string) (string, bool) {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return "", false
	}
	return strings.TrimSuffix(reference.FamiliarString(named), ":latest"), true
}

// baseContextOpts returns the buildctl flags that map every external image
// of df onto a busybox variant in the daemon's OCI layout.
func (d *Daemon) baseContextOpts(df *Dockerfile, buildArgs map[string]string) ([]string, error) {
	names := ExternalImages(df, buildArgs)
	if len(names) == 0 {
		return nil, nil
	}
	args := []string{"--oci-layout", layoutStoreName + "=" + d.layout}
	for _, n := range names {
		dg, err := d.baseVariant(n)
		if err != nil {
			return nil, err
		}
		args = append(args, "--opt", "context:"+n+"=oci-layout://"+layoutStoreName+"@"+dg)
	}
	return args, nil
}

// baseVariant returns the digest of a manifest that is the busybox image
// with one extra config label naming the image it stands in for. Same layer,
// distinct digest: changing `FROM node:20` to `FROM node:22` (directly or via
// an ARG) therefore changes the base cache key, as it would with real images,
// while every name still gets a working shell.
func (d *Daemon) baseVariant(name string) (string, error) {
	d.baseMu.Lock()
	defer d.baseMu.Unlock()
	if dg, ok := d.baseCache[name]; ok {
		return dg, nil
	}
	var index struct {
		Manifests []struct {
			Digest string `json:"digest"`
		} `json:"manifests"`
	}
	if err := readJSON(filepath.Join(d.layout, "index.json"), &index); err != nil {
		return "", err
	}
	if len(index.Manifests) == 0 {
		return "", fmt.Errorf("oracle: %s/index.json lists no manifest", d.layout)
	}
	var manifest map[string]any
	if err := readJSON(d.blobPath(index.Manifests[0].Digest), &manifest); err != nil {
		return "", err
	}
	cfgDesc, _ := manifest["config"].(map[string]any)
	cfgDigest, _ := cfgDesc["digest"].(string)
	var cfg map[string]any
	if err := readJSON(d.blobPath(cfgDigest), &cfg); err != nil {
		return "", err
	}
	inner, _ := cfg["config"].(map[string]any)
	if inner == nil {
		inner = map[string]any{}
		cfg["config"] = inner
	}
	labels, _ := inner["Labels"].(map[string]any)
	if labels == nil {
		labels = map[string]any{}
		inner["Labels"] = labels
	}
	labels[baseLabel] = name
	cfgBlob, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	newCfg, err := d.writeBlob(cfgBlob)
	if err != nil {
		return "", err
	}
	cfgDesc["digest"] = newCfg
	cfgDesc["size"] = len(cfgBlob)
	manBlob, err := json.Marshal(manifest)
	if err != nil {
		return "", err
	}
	dg, err := d.writeBlob(manBlob)
	if err != nil {
		return "", err
	}
	d.baseCache[name] = dg
	return dg, nil
}

func (d *Daemon) blobPath(digest string) string {
	return filepath.Join(d.layout, "blobs", "sha256", strings.TrimPrefix(digest, "sha256:"))
}

func (d *Daemon) writeBlob(b []byte) (string, error) {
	sum := sha256.Sum256(b)
	dg := "sha256:" + hex.EncodeToString(sum[:])
	return dg, os.WriteFile(d.blobPath(dg), b, 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// mapEnv is the shell.EnvGetter used to expand FROM/--from words.
type mapEnv map[string]string

func (m mapEnv) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }
func (m mapEnv) Keys() []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// metaEnv is what FROM lines see: global ARG defaults overridden by build
// args given for declared names, plus the automatic platform args.
func (df *Dockerfile) metaEnv(buildArgs map[string]string) mapEnv {
	plat := "linux/" + runtime.GOARCH
	env := mapEnv{
		"BUILDPLATFORM": plat, "TARGETPLATFORM": plat,
		"BUILDOS": "linux", "TARGETOS": "linux",
		"BUILDARCH": runtime.GOARCH, "TARGETARCH": runtime.GOARCH,
	}
	lex := shell.NewLex(df.escape)
	for _, a := range df.MetaArgs {
		for _, kv := range a.Args {
			if v, ok := buildArgs[kv.Key]; ok {
				env[kv.Key] = v
				continue
			}
			if kv.Value != nil {
				w, _, err := lex.ProcessWord(*kv.Value, env)
				if err != nil {
					w = *kv.Value
				}
				env[kv.Key] = w
			}
		}
	}
	return env
}
