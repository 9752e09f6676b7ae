FROM python:3.12
WORKDIR /srv
COPY requirements.txt .
COPY requirements/base.txt ./requirements/
RUN pip install -r requirements.txt
COPY . .
