# escape=`
# With the backtick as escape character, the RUN continues on the next line.
FROM python:3.12
WORKDIR /app
COPY . .
# want "re-runs `RUN pip install --no-cache-dir -r requirements.txt` \(step 4/4\) because `COPY \. \.` \(line 5\) comes first"
RUN pip install --no-cache-dir `
    -r requirements.txt
