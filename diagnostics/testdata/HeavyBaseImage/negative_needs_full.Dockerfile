# bower fetches over git, which node's slim and alpine variants lack.
FROM node:0.10
COPY package.json bower.json /app/
RUN npm install --unsafe-perm
RUN ./node_modules/bower/bin/bower install --allow-root
CMD ["npm", "start"]
