FROM node:20
# gosu runs npm as node, whose home is not known here.
RUN gosu node npm install
