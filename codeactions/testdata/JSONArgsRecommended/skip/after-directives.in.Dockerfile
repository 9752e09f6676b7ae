# syntax=docker/dockerfile:1
# escape=\

# The application image
FROM python:3.12-slim
CMD python app.py
