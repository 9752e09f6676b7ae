# Installs that leave out recommended packages, or are not installs of named packages.
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN apt-get -o APT::Install-Recommends=false install -y make
RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*

# The setting written once for the stage covers the later installs.
FROM ubuntu:22.04 AS configured
RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99-no-recommends
RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*

FROM fedora:40 AS fedora
RUN dnf install -y --setopt=install_weak_deps=False git && dnf clean all

# apk has no recommended packages.
FROM alpine:3.19 AS alpine
RUN apk add --no-cache curl

# A build stage that is only copied from never ships.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y gcc

FROM scratch
COPY --from=build /usr/bin/gcc /gcc
