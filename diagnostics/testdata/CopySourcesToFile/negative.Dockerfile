FROM python:3.12
COPY requirements.txt constraints.txt /app/
COPY requirements.txt constraints.txt ./
COPY requirements.txt constraints.txt .
# One source.
COPY main.py /app.py
# Directories merge their contents, as they would into /code/.
COPY lib src /code
# A directory first: the file then goes into it.
COPY src main.py /code2
# WORKDIR made it a directory, and its parents.
WORKDIR /srv/app
COPY main.py requirements.txt /srv/app
COPY main.py requirements.txt /srv
# An earlier COPY into it, or below it.
COPY main.py /data/
COPY main.py requirements.txt /data
COPY main.py /cfg/x/y.py
COPY main.py requirements.txt /cfg/x
ARG ETC=/etc/myapp
RUN mkdir -p $ETC
COPY main.py requirements.txt /etc/myapp
# Directories every image has.
COPY main.py requirements.txt /usr/local/bin
# A glob or a variable may select one file.
COPY *.py /one.py
COPY $UNSET main.py /two

FROM python:3.12 AS child-base
RUN mkdir /out
FROM child-base AS child
COPY main.py requirements.txt /out
