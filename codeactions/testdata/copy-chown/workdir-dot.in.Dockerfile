FROM alpine:3.19
WORKDIR /app
# chown -R changes /app itself, which COPY --chown into an existing folder does not
COPY . .
RUN chown -R 1000:1000 /app
