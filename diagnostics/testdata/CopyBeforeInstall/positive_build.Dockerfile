# Builds that download what is missing re-download every dependency when
# any source changes.
FROM maven:3.9-eclipse-temurin-21
WORKDIR /src
COPY . .
# want "re-runs `RUN mvn clean package -DskipTests` \(step 4/4\) and its download of every dependency, because `COPY . .` \(line 5\) comes first. Copy pom.xml alone before it and download them there \(`mvn dependency:go-offline`\).$"
RUN mvn clean package -DskipTests

FROM mcr.microsoft.com/dotnet/sdk:8.0 AS dotnet
WORKDIR /src
COPY . ./
# want "Copy \*.csproj alone before it and download them there \(`dotnet restore`\).$"
RUN dotnet build -c Release
# The first build restored the packages: this one downloads nothing.
RUN dotnet test -c Release

FROM golang:latest AS modules
ENV GO111MODULE=on
WORKDIR /go/src/github.com/o/rikka
COPY . ./
# want "Copy go.mod and go.sum alone before it and download them there \(`go mod download`\).$"
RUN CGO_ENABLED=0 go build -v .
