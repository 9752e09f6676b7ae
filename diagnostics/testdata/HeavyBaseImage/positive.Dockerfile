# want "^python:3.12 is ≈ 380 MB compressed, approximate, as listed for python:3.12 for linux/amd64 in 2024; `python:3.12-slim` \(≈ 45 MB\) or `python:3.12-alpine` \(≈ 20 MB\) exists."
FROM python:3.12
RUN pip install --no-cache-dir flask
CMD ["python", "-m", "flask", "run"]
