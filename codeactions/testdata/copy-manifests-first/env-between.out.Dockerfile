FROM python:3.12
WORKDIR /app
COPY requirements.txt .
ENV PIP_INDEX_URL=https://mirror.example/simple
RUN pip install -r requirements.txt
COPY . .
