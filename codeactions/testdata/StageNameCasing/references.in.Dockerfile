FROM golang:1.22 AS Builder
WORKDIR /src
RUN go build -o /out/app .

FROM Builder AS Test
RUN go test ./...

FROM alpine:3.20
COPY --from=Builder /out/app /usr/local/bin/app
COPY --from=BUILDER /out/app /usr/local/bin/app2
RUN --mount=type=bind,from=Builder,source=/out,target=/mnt ls /mnt
RUN --mount=type=cache,target=/root/.cache/Builder ls
ONBUILD COPY --from=Builder /a /b
