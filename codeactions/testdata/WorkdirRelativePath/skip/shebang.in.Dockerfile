#!/usr/bin/env -S docker build -f
FROM alpine:3.20
WORKDIR app
