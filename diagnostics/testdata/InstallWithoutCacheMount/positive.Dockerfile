FROM python:3.12
COPY requirements.txt .
# want "downloads all pip packages again.*target=/root/.cache/pip"
RUN pip install -r requirements.txt

FROM node:20
COPY package.json package-lock.json ./
# want "npm packages"
RUN npm ci

FROM golang:1.22
# want "go packages"
RUN --mount=type=cache,target=/root/.cache/go-build-other go mod download
