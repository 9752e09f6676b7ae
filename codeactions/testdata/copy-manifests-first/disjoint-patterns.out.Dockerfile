FROM node:20
WORKDIR /var/app
COPY *.json /var/app/
RUN npm install
COPY *.js /var/app/
CMD ["npm", "start"]
