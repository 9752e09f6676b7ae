FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends vim && apt-get clean && rm -rf /var/lib/apt/lists
# Cache mounts keep the lists out of the layer.
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked --mount=type=cache,target=/var/cache/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y --no-install-recommends git
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends make

# A build stage that is only copied from never ships.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y gcc

FROM scratch
COPY --from=build /usr/bin/gcc /gcc

# An update alone in its RUN is StalePackageIndex's finding.
FROM debian:bookworm AS lone
RUN apt-get update
RUN apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
