FROM alpine:3.20 AS base
RUN apk add --no-cache curl
WORKDIR /app
COPY . .

FROM base AS build
RUN make
RUN make install
CMD ["/app/bin/server"]
