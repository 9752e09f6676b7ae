FROM python:3.12
# The home is known, the uid is not: a root-owned cache would not be
# writable, so no mount is offered.
RUN useradd -m app
USER app
RUN pip install -r requirements.txt
