FROM node:20
WORKDIR /var/app
COPY *.js /var/app/
COPY app.* /var/app/
RUN npm install
