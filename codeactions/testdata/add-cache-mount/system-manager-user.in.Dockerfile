FROM node:20
# apt runs through sudo: the line that keeps apt's cache would run as node
# and fail, so no mount is offered.
USER node
RUN sudo apt-get install -y curl
