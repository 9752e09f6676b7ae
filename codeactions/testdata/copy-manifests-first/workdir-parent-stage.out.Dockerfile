FROM python:3.12-slim AS base
WORKDIR /app

FROM base
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
