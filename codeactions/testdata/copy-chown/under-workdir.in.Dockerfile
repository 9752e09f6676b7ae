FROM alpine:3.19
WORKDIR /app
COPY src ./src
RUN chown -R 1000:1000 /app/src
