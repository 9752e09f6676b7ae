FROM golang:1.22 AS builder
RUN go build -o /out/app .

FROM alpine:3.20
# Stage names match in any case, and anywhere in the file.
COPY --from=Builder /out/app /app
COPY --from=later /x /x
COPY --from=0 /out/app /app2
# Images: a tag, a registry or namespace, an official image, or a name far from every stage.
COPY --from=nginx /etc/nginx/nginx.conf /etc/nginx.conf
COPY --from=golang /usr/local/go /go
COPY --from=docker.io/library/buildx:0.12 /buildx /buildx
COPY --from=ghcr.io/org/tool /tool /tool
COPY --from=tonistiigi/xx / /
COPY --from=mytools /bin/t /t
# Three edits from a long stage name is too far to guess (and must not crash).
COPY --from=frontxyz /dist /dist
# A build argument chooses it.
ARG SRC=builder
COPY --from=${SRC} /out/app /app3

FROM alpine:3.20 AS later
RUN touch /x

FROM alpine:3.20 AS frontend
RUN touch /dist
