# A CI image (dapper): running it builds and tests the sources mounted in.
FROM ubuntu:16.04
RUN apt-get update && apt-get install -y --no-install-recommends gcc git && rm -rf /var/lib/apt/lists/*
RUN go get github.com/golang/lint/golint
ENV DAPPER_SOURCE /go/src/github.com/rancher/agent
WORKDIR ${DAPPER_SOURCE}
ENTRYPOINT ["./scripts/entry"]
CMD ["ci"]
