FROM python:3.11-slim
WORKDIR /usr/src/app
COPY . .
ENV PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*
RUN pip install -r requirements.txt
EXPOSE 8000
CMD ["gunicorn", "app:app"]
