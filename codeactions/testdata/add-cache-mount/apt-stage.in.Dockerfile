FROM ubuntu:22.04 AS base
# the toolchain
RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*
COPY . /src
RUN apt-get update && apt-get install -y make && rm -rf /var/lib/apt/lists/*

FROM base AS test
RUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*
