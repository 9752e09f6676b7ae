package buildkitcheck

import (
	"context"

	"github.com/moby/buildkit/client/llb/sourceresolver"
	gwclient "github.com/moby/buildkit/frontend/gateway/client"
	digest "github.com/opencontainers/go-digest"
)

// BuildKit's conversion consults its context only where it calls out: for
// each stage's base image, all of them before any instruction is
// converted, and for the .dockerignore, just before the first. These
// wrappers make those calls fail once a pass is cancelled (its document
// was edited), so that the pass ends there instead of converting every
// instruction, about half of its time. Run then drops what it found.

// stopOnCancelResolver is offlineResolver, refusing once ctx is done.
type stopOnCancelResolver struct{ offlineResolver }

func (r stopOnCancelResolver) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	if err := ctx.Err(); err != nil {
		return "", "", nil, err
	}
	return r.offlineResolver.ResolveImageConfig(ctx, ref, opt)
}

// stopOnCancelGateway is the gateway, refusing to serve the .dockerignore
// once ctx is done.
type stopOnCancelGateway struct{ *gateway }

func (g stopOnCancelGateway) Solve(ctx context.Context, req gwclient.SolveRequest) (*gwclient.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return g.gateway.Solve(ctx, req)
}
