# Builds that download nothing after the full COPY.
FROM maven:3.9-eclipse-temurin-21
WORKDIR /src
COPY pom.xml .
RUN mvn dependency:go-offline
COPY src ./src
RUN mvn -o package

FROM maven:3.9-eclipse-temurin-21 AS cached
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn package

FROM mcr.microsoft.com/dotnet/sdk:8.0 AS dotnet
COPY . .
RUN dotnet publish --no-restore -o /out

FROM rust:1.77 AS rust
COPY . .
RUN cargo build --release

FROM golang:1.10 AS gopath
WORKDIR /go/src/github.com/o/app
COPY . .
RUN go build -o /app .

FROM instrumentisto/glide:0.13 AS glide
WORKDIR /go/src/github.com/o/marver
COPY main.go glide.yaml ./
RUN glide up -v
RUN go build -o marver .

# A build on the manifests alone fetched the dependencies before the code came.
FROM maven:3.9-eclipse-temurin-21 AS prefetch
WORKDIR /app
COPY pom.xml /app/
RUN mvn integration-test ; exit 0
COPY . /app
RUN mvn integration-test
