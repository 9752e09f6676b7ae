# want "^The final image starts from golang:1.22-alpine, a build toolchain \(≈ 80 MB compressed.*FROM `gcr.io/distroless/static-debian12` \(≈ 1 MB\) or `scratch` \(empty\).$"
FROM golang:1.22-alpine
COPY . .
RUN go build -o /app .
CMD ["/app"]
