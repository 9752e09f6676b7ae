# Commands that download nothing keep nothing in a cache mount: script
# runners, offline builds, and builds whose dependencies an earlier step
# of the stage already put in the layer (issue 17).
FROM node:20 AS scripts
COPY package.json package-lock.json ./
# want "downloads all npm packages again"
RUN npm ci
COPY . .
RUN npm run build
RUN yarn build
RUN npm test

FROM rust:1.78 AS offline
COPY Cargo.toml Cargo.lock ./
# want "downloads all cargo packages again.*target=/usr/local/cargo/registry"
RUN cargo fetch
COPY . .
RUN cargo build --release --offline
RUN cargo build --frozen

FROM mcr.microsoft.com/dotnet/sdk:8.0 AS restore
COPY app.csproj .
# want "downloads all dotnet packages again.*target=/root/.nuget/packages"
RUN dotnet restore
COPY . .
# The restore put the packages in the layer: publish downloads none.
RUN dotnet publish -c Release -o /out

FROM restore AS publisher
RUN dotnet publish -c Debug -o /debug

FROM maven:3.9-eclipse-temurin-21 AS maven
COPY pom.xml .
# want "downloads all maven packages again.*target=/root/.m2/repository"
RUN mvn -B dependency:go-offline
COPY src src
RUN mvn -B package -DskipTests
RUN mvn -o verify

FROM golang:1.22 AS vendored
COPY . .
RUN go build -mod vendor -o /app ./cmd/app
RUN go build -mod=vendor ./...

FROM ruby:3.3 AS local
COPY Gemfile Gemfile.lock ./
COPY vendor/cache vendor/cache
RUN bundle install --local

# A build whose earlier fetch went to a cache mount finds nothing in the
# layer: it downloads again.
FROM golang:1.22 AS mounted-fetch
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# want "downloads all go packages again.*target=/go/pkg/mod"
RUN go build -o /app .
