FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/server .

FROM python:3.12-slim AS wheels
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && pip wheel -w /wheels psycopg2

FROM python:3.12-slim
# Build tools removed in the RUN that installed them.
RUN apk add --virtual .build-deps gcc musl-dev && pip install --no-cache-dir psycopg2 && apk del .build-deps
RUN apt-get update && apt-get install -y --no-install-recommends gcc && pip install --no-cache-dir psycopg2 && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*
# Runtime libraries are not build tools.
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/server /server
COPY --from=wheels /wheels /wheels
