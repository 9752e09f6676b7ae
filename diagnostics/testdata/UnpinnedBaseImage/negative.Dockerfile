ARG TAG=3.19
FROM alpine:3.19 AS build
FROM build
FROM scratch
FROM alpine:${TAG}
FROM alpine@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b
FROM localhost:5000/app:1.2
