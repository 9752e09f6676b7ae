FROM node:20-slim
WORKDIR /app
COPY . .
# want "^`chown -R node:node /app` writes every file line 3 \(`COPY . .`\) added into a new layer \(how much, the build context would tell\): the image keeps both copies. Use `COPY --chown=node:node` instead.$"
RUN chown -R node:node /app
COPY dist/ /srv/www/
# want "`chmod -R 755 /srv` .* Use `COPY --chmod=755` instead"
RUN chmod -R 755 /srv
ADD vendor.tar.gz /opt/vendor/
# want "`chown -Rh app /opt` writes every file line 9 .*`ADD --chown=app`"
RUN npm ci && chown -Rh app /opt
