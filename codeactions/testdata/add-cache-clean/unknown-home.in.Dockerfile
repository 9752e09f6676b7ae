FROM node:20
# No account of the file or the image has this uid: where npm keeps its
# cache is unknown, so no path is removed.
USER 1001
RUN npm ci
