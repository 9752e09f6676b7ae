FROM node:20
# (no cache mount: the uid of app is unknown)
RUN useradd -m app
USER app
RUN npm install
