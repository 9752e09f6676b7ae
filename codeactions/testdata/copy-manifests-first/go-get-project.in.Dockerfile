FROM golang:1.22
WORKDIR /src
ADD . /src
RUN go get
RUN go install
