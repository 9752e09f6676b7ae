FROM node:20
# gosu runs npm as node, whose home is not known here: never /root/.npm.
RUN gosu node npm install
