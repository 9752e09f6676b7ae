# The command is named through a variable the file sets.
FROM python:3.12 AS venv
ENV VIRTUAL_ENV=/opt/venv
RUN python -m venv $VIRTUAL_ENV
WORKDIR /app
COPY . .
# want "re-runs `RUN \$VIRTUAL_ENV/bin/pip install -r requirements.txt` \(step 6/6\) because `COPY \. \.` \(line 6\) comes first\. Copy requirements\.txt alone before it\."
RUN $VIRTUAL_ENV/bin/pip install -r requirements.txt
