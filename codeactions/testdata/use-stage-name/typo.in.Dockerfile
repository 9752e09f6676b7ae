FROM golang:1.22 AS builder
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=buidler /out/app /app
