FROM python:3.12-slim
WORKDIR /app
COPY --chown=1000:1000 requirements.txt .
LABEL stage=app
# dependencies
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=1000:1000 . .
EXPOSE 8000
