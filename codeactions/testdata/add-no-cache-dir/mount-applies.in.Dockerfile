FROM python:3.12-slim
# the cache mount fix applies here, so the size fix is not offered
RUN pip install flask
