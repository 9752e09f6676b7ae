FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
# Debian's idiom with apt cache mounts: not a cleanup.
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y --no-install-recommends curl
# Download, unpack and delete in one RUN.
RUN wget https://example.com/tool.tar.gz && tar -xzf tool.tar.gz && rm tool.tar.gz
# What the base image has: no step of this file created it.
RUN rm -rf /usr/share/doc /tmp/*
# Install, use and remove in one RUN.
RUN apt-get update && apt-get install -y --no-install-recommends make && make -C /src && apt-get purge -y make && rm -rf /var/lib/apt/lists/*
# Removing a manifest copied earlier costs nothing worth a finding.
COPY requirements.txt /tmp/
RUN pip install --no-cache-dir -r /tmp/requirements.txt && rm /tmp/requirements.txt
# A removal of packages no step of this file installed.
RUN apt-get purge -y --auto-remove perl-modules

# A build stage that is only copied from never ships.
FROM debian:bookworm AS build
COPY . /src
RUN rm -rf /src/.git

FROM scratch
COPY --from=build /src /src
