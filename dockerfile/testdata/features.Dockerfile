# syntax=docker/dockerfile:1
# escape=\
ARG BASE=python:3.12
FROM $BASE AS build
# a comment
RUN --mount=type=cache,target=/root/.cache/pip \
    # inner comment
    pip install "a b" \
      -r req.txt
COPY --from=build --chown=1:1 ["a b", "/x/"]
RUN <<EOF cat >/x <<-EOT
echo hi
EOF
	body2
	EOT
ENV A=1 B="two words"
ENV C legacy value
