FROM node:20
ADD . /triplie
RUN cd /triplie && npm install -g
