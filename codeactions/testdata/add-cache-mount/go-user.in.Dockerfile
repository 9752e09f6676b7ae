FROM golang:1.22
ENV HOME=/home/builder
USER 1000:1000
RUN --mount=type=bind,target=/src go mod download
