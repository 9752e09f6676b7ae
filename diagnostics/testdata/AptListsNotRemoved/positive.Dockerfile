FROM debian:bookworm
# want "^`apt-get update` leaves the package lists \(/var/lib/apt/lists, often 20-50 MB\) in this layer: end the RUN with `rm -rf /var/lib/apt/lists/\*`, or mount a cache at /var/lib/apt.$"
RUN apt-get update && apt-get install -y --no-install-recommends curl

# Removing the download cache is not removing the lists.
FROM debian:bookworm AS wrongdir
# want "leaves the package lists"
RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/cache/apt/*

# A later RUN cannot remove them from this layer.
FROM ubuntu:22.04 AS later
# want "`apt-get -qq update` leaves the package lists"
RUN apt-get -qq update && apt-get install -y --no-install-recommends git
RUN rm -rf /var/lib/apt/lists/*
