FROM alpine:3.19 AS base
RUN true

FROM alpine:3.19 AS base
RUN true
