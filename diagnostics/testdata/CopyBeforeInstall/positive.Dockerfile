FROM python:3.12-slim
WORKDIR /app
COPY . /app
# want "Any change in the build context re-runs `RUN pip install -r /app/requirements.txt` \(step 4/5\) because `COPY . /app` \(line 3\) comes first. Copy requirements.txt alone before it."
RUN pip install -r /app/requirements.txt
CMD ["python", "app.py"]

FROM node:20 AS web
WORKDIR /web
COPY src/ ./
# want "re-runs `RUN npm ci`"
RUN npm ci

FROM golang:1.22 AS go
WORKDIR /src
ADD . .
# want "re-runs `RUN go mod download`"
RUN go mod download
RUN go build ./...

FROM python:3.12 AS mounted
# want "bind-mounts the whole context"
RUN --mount=type=bind,target=/src pip install -r /src/requirements.txt

FROM python:3.12 AS project
COPY . .
# want "also needs the project's sources"
RUN pip install -e .

# npm ci deletes node_modules first: repeated after the full COPY, it
# installs every dependency again.
FROM node:20 AS npm-ci-twice
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# want "re-runs `RUN npm ci`"
RUN npm ci

# A flag the first install lacked makes the second one install more.
FROM ruby:3.3 AS bundle-more
WORKDIR /opt/app
COPY Gemfile .
RUN bundle install --without development
COPY . .
# want "re-runs `RUN bundle install --with development`"
RUN bundle install --with development
