FROM python:3.12
RUN --mount=type=bind,source=standins,target=/standins mkdir -p /usr/local/bin && cp /standins/pip /usr/local/bin/
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
