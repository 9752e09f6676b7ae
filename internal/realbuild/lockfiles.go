package realbuild

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// lockDockerfile makes the lock files of PackageJSON on the node image:
// npm's and yarn's, resolved against the registry this machine uses.
const lockDockerfile = `FROM node:lts
WORKDIR /w
COPY package.json ./
RUN npm install --package-lock-only --ignore-scripts && yarn install --ignore-scripts --non-interactive
FROM scratch
COPY --from=0 /w/package-lock.json /w/yarn.lock /
`

// MakeLockfiles builds the lock files of PackageJSON on a fresh builder.
func (p *Prover) MakeLockfiles(ctx context.Context) (Lockfiles, error) {
	dir, err := os.MkdirTemp(p.Work, "locks")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctxDir, out := filepath.Join(dir, "ctx"), filepath.Join(dir, "out")
	if err := os.MkdirAll(ctxDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(ctxDir, "package.json"), []byte(PackageJSON), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(lockDockerfile), 0o644); err != nil {
		return nil, err
	}
	b, err := StartBuilder(ctx, p.Work, p.Images)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	if _, err := b.Build(ctx, Spec{Context: ctxDir, Dockerfile: filepath.Join(dir, "Dockerfile"), LocalOutput: out, Timeout: p.Timeout}); err != nil {
		return nil, fmt.Errorf("realbuild: making the lock files: %w", err)
	}
	locks := Lockfiles{}
	for _, name := range []string{"package-lock.json", "yarn.lock"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return nil, fmt.Errorf("realbuild: making the lock files: %w", err)
		}
		locks[name] = b
	}
	return locks, nil
}
