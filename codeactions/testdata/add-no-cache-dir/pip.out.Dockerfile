FROM python:3.12-slim
# no cache mount here: its uid is known but its home is not
USER 1000
COPY requirements.txt .
RUN --mount=type=cache,target=/tmp/unrelated pip install --no-cache-dir -r requirements.txt
