FROM alpine:3.19
WORKDIR /app
COPY --chown=1000:1000 src ./src
