FROM alpine:3.20 AS base
RUN apk add --no-cache curl
workdir /app
Copy . .

from base as build
RUN make
Run make install
CMD ["/app/bin/server"]
