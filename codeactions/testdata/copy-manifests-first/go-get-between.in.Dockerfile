FROM golang:1.22
WORKDIR /src
COPY . .
RUN go get github.com/pkg/errors
RUN go build -o /app .
