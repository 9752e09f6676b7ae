package buildkitcheck

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	gwclient "github.com/moby/buildkit/frontend/gateway/client"
	gwpb "github.com/moby/buildkit/frontend/gateway/pb"
	"github.com/moby/buildkit/solver/pb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	fstypes "github.com/tonistiigi/fsutil/types"

	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

var (
	linuxPlatform = platforms.Normalize(ocispecs.Platform{OS: "linux", Architecture: runtime.GOARCH})
	// A current BuildKit supports every LLB capability; some change errors
	// (e.g. COPY --link --chown=name needs the merge op).
	llbCaps = pb.Caps.CapSet(pb.Caps.All())
)

// imageEnvJSON lists the ENV of well-known official images; see its
// "source" field for where it comes from and how far to trust it.
//
//go:embed imageenv.json
var imageEnvJSON []byte

var imageEnvTable = sync.OnceValue(func() map[string]map[string]string {
	var f struct{ Images map[string]map[string]string }
	if err := json.Unmarshal(imageEnvJSON, &f); err != nil {
		panic("buildkitcheck: bad imageenv.json: " + err.Error())
	}
	return f.Images
})

// knownEnv is the ENV of image ref as "K=V" lines, and whether the table
// knows the image at all (any tag; "docker.io/library/golang:1.22" is "golang").
func knownEnv(ref string) ([]string, bool) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return nil, false
	}
	env, ok := imageEnvTable()[reference.FamiliarName(named)]
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		kv = append(kv, k+"="+env[k])
	}
	return kv, ok
}

// offlineResolver answers BuildKit's base-image lookups without a registry:
// the config has the platform BuildKit asked for (so InvalidBaseImagePlatform
// cannot fire on made-up data), one layer (so it is not taken for scratch) and
// the table's ENV when the image is known.
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	var img dockerspec.DockerOCIImage
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		img.Platform = *opt.ImageOpt.Platform
	}
	img.RootFS = ocispecs.RootFS{Type: "layers", DiffIDs: []digest.Digest{digest.FromString(ref)}}
	img.Config.Env, _ = knownEnv(ref)
	dt, err := json.Marshal(img)
	return ref, "", dt, err
}

// gateway is the smallest gateway client dockerui.NewClient accepts. It is
// there because dockerfile2llb reads the .dockerignore (for CopyIgnoredFile)
// only through a dockerui.Client, which Solves a local source and reads the
// file from the result. Methods dockerfile2llb does not call with our options
// are left to the nil embedded interface (a call panics; Run recovers).
type gateway struct {
	gwclient.Client
	dockerignore []byte
}

func newGateway(patterns []string) *gateway {
	return &gateway{dockerignore: []byte(strings.Join(patterns, "\n"))}
}

func (g *gateway) BuildOpts() gwclient.BuildOpts {
	return gwclient.BuildOpts{Opts: map[string]string{}, LLBCaps: llbCaps, Caps: gwpb.Caps.CapSet(gwpb.Caps.All())}
}

// Inputs has no named inputs, so the main context is the local one whose
// .dockerignore Solve serves.
func (g *gateway) Inputs(context.Context) (map[string]llb.State, error) {
	return map[string]llb.State{}, nil
}

func (g *gateway) Solve(context.Context, gwclient.SolveRequest) (*gwclient.Result, error) {
	res := gwclient.NewResult()
	res.SetRef(ignoreRef{dt: g.dockerignore})
	return res, nil
}

func (g *gateway) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	return offlineResolver{}.ResolveImageConfig(ctx, ref, opt)
}

// ResolveSourceMetadata is asked only for SOURCE_DATE_EPOCH=context or a
// git/http source; "no metadata" leaves the epoch unset instead of failing.
func (g *gateway) ResolveSourceMetadata(_ context.Context, op *pb.SourceOp, _ sourceresolver.Opt) (*sourceresolver.MetaResponse, error) {
	return &sourceresolver.MetaResponse{Op: op}, nil
}

// ignoreRef is the solved "context": every file in it reads as the ignore file.
type ignoreRef struct {
	gwclient.Reference
	dt []byte
}

func (r ignoreRef) ReadFile(context.Context, gwclient.ReadRequest) ([]byte, error) { return r.dt, nil }

func (r ignoreRef) StatFile(context.Context, gwclient.StatRequest) (*fstypes.Stat, error) {
	return nil, errors.New("stat not supported") // dockerui then just reads the file
}

// filterUndefinedVar drops UndefinedVar findings that are only there because
// offline we do not know a base image's ENV: those in stages whose chain of
// FROMs (through stages of this file) ends at an external image missing from
// imageenv.json. Stages ending at scratch, or at a known image (whose ENV the
// resolver gave BuildKit), keep them.
func filterUndefinedVar(text []byte, lines *textpos.Lines, buildArgs map[string]string, checks []Check) []Check {
	if !slices.ContainsFunc(checks, func(c Check) bool { return c.Rule == linter.RuleUndefinedVar.Name }) {
		return checks
	}
	unknown := unknownEnvLines(text, buildArgs)
	return slices.DeleteFunc(checks, func(c Check) bool {
		line := lines.LineOf(c.Start) + 1
		return c.Rule == linter.RuleUndefinedVar.Name &&
			slices.ContainsFunc(unknown, func(s [2]int) bool { return s[0] <= line && line <= s[1] })
	})
}

// unknownEnvLines returns the 1-based line spans of stages whose base ENV is
// unknown. BuildKit got past parsing to report UndefinedVar, so parsing again
// succeeds; if it somehow does not, everything counts as unknown.
func unknownEnvLines(text []byte, buildArgs map[string]string) [][2]int {
	everything := [][2]int{{0, int(^uint(0) >> 1)}}
	ast, err := parser.Parse(bytes.NewReader(text))
	if err != nil {
		return everything
	}
	stages, metaArgs, err := instructions.Parse(ast.AST, nil)
	if err != nil || len(stages) == 0 {
		return everything
	}
	lex := shell.NewLex(ast.EscapeToken)
	env := metaArgEnv(lex, metaArgs, buildArgs)

	var spans [][2]int
	knownStage := map[string]bool{}
	for i, st := range stages {
		known := false
		res, err := lex.ProcessWordWithMatches(st.BaseName, env)
		base := res.Result
		switch {
		case err != nil || len(res.Unmatched) > 0 || base == "":
			// a base name we cannot evaluate as BuildKit did: unknown
		case base == "scratch":
			known = true
		default:
			if k, isStage := knownStage[base]; isStage {
				known = k
			} else {
				_, known = knownEnv(base)
			}
		}
		if st.Name != "" {
			knownStage[st.Name] = known
		}
		if !known && len(st.Location) > 0 {
			end := int(^uint(0) >> 1)
			if i+1 < len(stages) && len(stages[i+1].Location) > 0 {
				end = stages[i+1].Location[0].Start.Line - 1
			}
			spans = append(spans, [2]int{st.Location[0].Start.Line, end})
		}
	}
	return spans
}

// metaArgEnv evaluates the ARGs before the first FROM as BuildKit does for
// base names: build args override defaults, defaults may use earlier ARGs.
func metaArgEnv(lex *shell.Lex, metaArgs []instructions.ArgCommand, buildArgs map[string]string) shell.EnvGetter {
	var kv []string
	for _, a := range metaArgs {
		for _, arg := range a.Args {
			if v, ok := buildArgs[arg.Key]; ok {
				kv = append(kv, arg.Key+"="+v)
			} else if arg.Value != nil {
				if v, _, err := lex.ProcessWord(*arg.Value, shell.EnvsFromSlice(kv)); err == nil {
					kv = append(kv, arg.Key+"="+v)
				}
			}
		}
	}
	return shell.EnvsFromSlice(kv)
}
