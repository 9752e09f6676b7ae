FROM golang:1.22
ENV HOME=/home/builder
USER 1000:1000
RUN --mount=type=bind,target=/src --mount=type=cache,target=/go/pkg/mod,uid=1000,gid=1000 --mount=type=cache,target=/home/builder/.cache/go-build,uid=1000,gid=1000 go mod download
