FROM python:3.12-slim
WORKDIR /app
COPY --chown=1000:1000 requirements.txt .
# dependencies
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=1000:1000 . .
LABEL stage=app
EXPOSE 8000
