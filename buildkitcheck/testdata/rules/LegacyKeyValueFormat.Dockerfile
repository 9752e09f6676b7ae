FROM alpine:3.19
ENV a b
