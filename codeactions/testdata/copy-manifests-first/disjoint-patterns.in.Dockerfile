FROM node:20
WORKDIR /var/app
COPY *.js /var/app/
COPY *.json /var/app/
RUN npm install
CMD ["npm", "start"]
