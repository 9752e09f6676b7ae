FROM python:3.12
ENV VIRTUAL_ENV=/opt/venv
RUN python -m venv $VIRTUAL_ENV
# no cache mount here: its uid is known but its home is not
USER 1000
RUN $VIRTUAL_ENV/bin/pip install flask
