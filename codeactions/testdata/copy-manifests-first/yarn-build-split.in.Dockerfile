FROM node:10.13.0-alpine
WORKDIR /dejavu
RUN apk --no-cache add git
ADD . /dejavu
RUN yarn \
    && yarn cache clean && yarn build:app \
    && rm -rf /tmp/*
EXPOSE 1358
CMD node server.js
