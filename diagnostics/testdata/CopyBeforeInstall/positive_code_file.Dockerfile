# One source file copied before the manifests: editing it re-runs the
# install.
FROM node:20
WORKDIR /app
COPY index.js .
COPY package.json package-lock.json ./
# want "because `COPY index.js .` \(line 5\) comes first. Copy package.json and package-lock.json alone before it.$"
RUN npm ci

FROM maven:3.9-eclipse-temurin-21 AS java
WORKDIR /src
COPY . .
# want "Copy pom.xml alone before it.$"
RUN mvn dependency:go-offline

FROM golang:1.22 AS go
WORKDIR /go/src/github.com/o/app
COPY . .
# want "Copy go.mod and go.sum alone before it.$"
RUN go mod download

FROM python:3.12 AS pyproject
WORKDIR /app
COPY . .
# want "Copy its requirements file \(or pyproject.toml\) alone before it. This install also needs the project's sources"
RUN pip install .
