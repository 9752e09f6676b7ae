RUN pip install flask
FROM python:3.12
