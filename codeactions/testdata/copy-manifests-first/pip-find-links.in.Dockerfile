FROM python:3.12-alpine
COPY . /app
RUN pip install --find-links /app/wheels -r /app/requirements.txt
