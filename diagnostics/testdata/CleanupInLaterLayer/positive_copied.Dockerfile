FROM node:20
WORKDIR /opt/app
COPY client/ ./client/
RUN npm install --prefix client/ && npm run build --prefix client/
COPY . .
# want "^`rm -r client/` deletes /opt/app/client, which line 5 \(`COPY . .`\) copied in: .*Leave them out of the COPY \(a narrower source, .dockerignore\), or read them through RUN --mount=type=bind.$"
RUN rm -r client/
ADD openshift/sphinx.rpm /tmp/sphinxsearch.rpm
# want "deletes /tmp/\*.rpm, which line 8 .* copied in"
RUN rpm -i /tmp/sphinxsearch.rpm && rm /tmp/*.rpm
CMD ["node", "server.js"]
