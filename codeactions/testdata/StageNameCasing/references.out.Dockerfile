FROM golang:1.22 AS builder
WORKDIR /src
RUN go build -o /out/app .

FROM builder AS test
RUN go test ./...

FROM alpine:3.20
COPY --from=builder /out/app /usr/local/bin/app
COPY --from=builder /out/app /usr/local/bin/app2
RUN --mount=type=bind,from=builder,source=/out,target=/mnt ls /mnt
RUN --mount=type=cache,target=/root/.cache/Builder ls
ONBUILD COPY --from=Builder /a /b
