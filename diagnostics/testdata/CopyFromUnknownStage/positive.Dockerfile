FROM golang:1.22 AS builder
RUN go build -o /out/app .

FROM node:20 AS assets
RUN npm ci && npm run build

FROM alpine:3.20
# want "^--from=buidler names no stage of this file, so BuildKit pulls it as the image docker.io/library/buidler:latest, which fails unless that image exists. Did you mean the stage builder \(line 1\)\?"
COPY --from=buidler /out/app /app
# want "^--from=Asset names no stage of this file and is no valid image reference \(.*\): the build fails. Did you mean the stage assets \(line 4\)\?"
COPY --from=Asset /dist /www
# want "^--from=my_Stage names no stage of this file and is no valid image reference"
ADD --from=my_Stage /x /x
