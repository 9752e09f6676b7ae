FROM node:20
# No account of the file or the image has this uid: its home is unknown.
USER 1001
RUN npm ci
