FROM python:3.6
ENV PYTHONUNBUFFERED=1
# the application
WORKDIR /app
COPY . .
RUN apt-get -y update && apt-get -y install binutils
