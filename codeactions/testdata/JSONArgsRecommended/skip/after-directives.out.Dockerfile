# syntax=docker/dockerfile:1
# escape=\
# check=skip=JSONArgsRecommended

# The application image
FROM python:3.12-slim
CMD python app.py
