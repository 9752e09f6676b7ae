FROM golang:1.22
WORKDIR /src
COPY . .
# want "^The final stage compiles with `go build -o /out/server ./cmd/server` on golang:1.22 \(≈ 290 MB compressed\): the whole toolchain ships with the result. Build in a separate stage and copy only the binary `/out/server` in a stage FROM `gcr.io/distroless/static-debian12` \(≈ 1 MB\) or `scratch`.$"
RUN go build -o /out/server ./cmd/server
CMD ["/out/server"]
