#!/usr/bin/env -S docker build -f
# check=skip=WorkdirRelativePath
FROM alpine:3.20
WORKDIR app
