# A Go development environment: the toolchain is what it is for.
FROM golang:1.12.1-alpine
RUN apk add --no-cache git neovim tmux
RUN go get -u golang.org/x/tools/cmd/gopls
ENTRYPOINT ["tmux"]
