# GOPATH mode: Go 1.8 has no modules, and Go 1.12 ignores go.mod in
# GOPATH's src folder; there is no go.mod to copy first.
FROM golang:1.8-stretch
ENV APP_HOME $GOPATH/src/github.com/o/healthcheck
COPY . $APP_HOME
WORKDIR $APP_HOME/cmd/daemon
RUN go get -v ./...

FROM golang:1.12.9-alpine3.10 AS gopath
WORKDIR /go/src/github.com/o/bot
ENV GOPATH=/go
COPY . .
RUN go get -d -v ./... && go install -v ./...

FROM debian:stretch-slim AS apt
ENV GOPATH /go
WORKDIR $GOPATH/src/pault.ag/go/ykpiv
COPY . .
RUN go get -v -t ./...

# A GOPATH-era layout on a floating tag: no go.mod to copy first.
FROM golang:alpine AS floating
ADD . /go/src/goapp/
RUN cd /go/src/goapp/ && go build -o /go/src/goapp/goapp
