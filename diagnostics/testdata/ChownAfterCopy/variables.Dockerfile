# The owner is a variable: the files are written again all the same.
FROM node:20-slim AS known
ARG U=node
WORKDIR /app
COPY . .
# want "^`chown -R \$\{U\}:\$\{U\} /app` writes every file line 5 \(`COPY \. \.`\) added into a new layer \(how much, the build context would tell\): the image keeps both copies\. Use `COPY --chown=\$\{U\}:\$\{U\}` instead\.$"
RUN chown -R ${U}:${U} /app

FROM node:20-slim AS unknown
ARG OWNER
WORKDIR /app
COPY . .
# want "^`chown -R \$OWNER /app` writes every file line 12 \(`COPY \. \.`\) added into a new layer \(how much, the build context would tell\): the image keeps both copies\. Use `COPY --chown=\$OWNER` instead\.$"
RUN chown -R $OWNER /app
