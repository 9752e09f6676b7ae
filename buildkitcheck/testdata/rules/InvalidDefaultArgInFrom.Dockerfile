ARG TAG
FROM alpine:${TAG}
RUN true
