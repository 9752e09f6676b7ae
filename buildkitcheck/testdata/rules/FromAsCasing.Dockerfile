FROM alpine:3.19 as builder
RUN true
