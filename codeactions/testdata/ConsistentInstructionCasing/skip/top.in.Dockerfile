FROM alpine:3.20
workdir /app
