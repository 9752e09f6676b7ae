# The earlier RUN emptied the cache itself: the later clean finds nothing.
FROM node:20
COPY package.json .
RUN npm install && npm cache clean --force
RUN npm cache clean --force
