# Debian and Ubuntu images delete downloaded packages after each install
# (docker-clean): a cache mount on /var/cache/apt keeps them only once that
# is off, which the finding says (issue 17).
FROM debian:12 AS plain
# want "^Every re-run of this step downloads all apt packages again\. A cache mount \(RUN --mount=type=cache,target=/var/cache/apt,sharing=locked\) keeps them between builds, outside the image, once the image's docker-clean hook is off: Debian and Ubuntu images delete downloaded packages after each install\.$"
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*

# The stage turns it off already: the mount is all it needs.
FROM ubuntu:24.04 AS kept
RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
# want "^Every re-run of this step downloads all apt packages again\. A cache mount \(RUN --mount=type=cache,target=/var/cache/apt,sharing=locked\) keeps them between builds, outside the image\.$"
RUN apt-get update && apt-get install -y git

FROM kept AS child
# want "keeps them between builds, outside the image\.$"
RUN apt-get update && apt-get install -y jq

# Mounted already, above or at the lists or the archives.
FROM debian:12 AS mounted
RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y make
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get install -y gcc
