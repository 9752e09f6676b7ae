FROM node:10.13.0-alpine
WORKDIR /dejavu
RUN apk --no-cache add git
COPY package.json yarn.lock* .yarnrc* /dejavu/
RUN yarn \
    && yarn cache clean
ADD . /dejavu
RUN yarn build:app \
    && rm -rf /tmp/*
EXPOSE 1358
CMD node server.js
