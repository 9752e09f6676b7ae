// Package realbuild is the real-build oracle for real-world Dockerfiles:
// it builds a Dockerfile and its fixed version on a standalone BuildKit,
// on base images made offline from the Debian archive this machine's apt
// uses (scripts/realbuild/setup.sh), and reports whether the fixed file
// builds wherever the original does and leaves the same files.
//
// Two situations are built, because fixes break in each:
//
//   - a fresh builder: a new buildkitd whose state holds nothing but its
//     base images, unpacked (a copy of a seed, see seed.go), so cache
//     mounts start empty;
//   - the CI runner: builder A builds and exports its layer cache
//     (--export-cache type=local,mode=max), the build context changes, and
//     a fresh builder B imports that cache and builds: earlier RUNs are
//     cache hits, later ones run, and no cache mount has ever been filled.
//
// Image names map onto the local images through named build contexts
// (--opt context:NAME=oci-layout://…): debian:* and ubuntu:* onto
// bookworm, node:* and python:* onto bookworm plus Debian's node or
// python. A Dockerfile with any other base is skipped with its reason.
//
// The builds need root, network access to the Debian archive and the npm
// registry, and minutes, so the tests run only with DFLS_REALBUILD=1
// (make test-realbuild and make proof-realbuild set it); make test skips
// them.
package realbuild
