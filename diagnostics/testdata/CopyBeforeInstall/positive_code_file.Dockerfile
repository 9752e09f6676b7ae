# One source file copied before the manifests: editing it re-runs the
# install. The message names that file, not the whole context, and, since
# the manifests are copied already, asks only to move it.
FROM node:20
WORKDIR /app
COPY index.js .
COPY package.json package-lock.json ./
# want "^Any change in index.js re-runs `RUN npm ci` \(step 5/5\) because `COPY index.js .` \(line 6\) comes first. Move that COPY below it: the install reads none of the files it copies.$"
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

# A folder of the context, not all of it.
FROM node:20 AS folder
WORKDIR /app
COPY src/ ./src/
COPY . .
# want "^Any change in src/ re-runs `RUN npm ci` \(step 5/5\) because `COPY src/ ./src/` \(line 26\) comes first. Copy package.json and package-lock.json alone before it.$"
RUN npm ci

FROM python:3.12 AS pyproject
WORKDIR /app
COPY . .
# want "Copy its requirements file \(or pyproject.toml\) alone before it. This install also needs the project's sources"
RUN pip install .

# A script the RUN runs does not hide a COPY of code after it.
FROM node:20 AS script-then-code
WORKDIR /app
COPY scripts/setup /usr/local/bin/setup
COPY . .
# want "^Any change in the build context re-runs `RUN /usr/local/bin/setup && npm ci` \(step 5/5\) because `COPY . .` \(line 41\) comes first."
RUN /usr/local/bin/setup && npm ci
