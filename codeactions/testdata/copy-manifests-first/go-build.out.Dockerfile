FROM golang:1.21 AS build
WORKDIR /src
COPY go.mod go.sum* ./
RUN CGO_ENABLED=0 go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /bin/app ./cmd/app

FROM gcr.io/distroless/static
COPY --from=build /bin/app /app
ENTRYPOINT ["/app"]
