FROM python:3.12
ENV HOME /eve
RUN pip install -r requirements.txt
