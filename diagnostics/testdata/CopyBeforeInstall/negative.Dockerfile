# The well-ordered patterns from Docker's docs: no finding.
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

FROM node:20 AS web
WORKDIR /web
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM golang:1.22 AS go
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build ./...

FROM debian:bookworm AS system
COPY . /src
RUN apt-get update && apt-get install -y --no-install-recommends make

FROM python:3.12 AS cached
RUN --mount=type=bind,source=requirements.txt,target=/r.txt pip install -r /r.txt

FROM node:20 AS globals
COPY . .
RUN yarn global add @vue/cli && pip install --upgrade pip && npm install -g typescript

# A folder of requirements files is manifests, not code.
FROM python:3.12 AS requirements-folder
WORKDIR /code
COPY requirements /code/requirements
RUN pip install -r requirements/dev.txt
COPY . .
