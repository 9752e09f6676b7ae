FROM python:3.12
# Removing the parent of the mount point fails: no mount.
RUN pip install flask && rm -rf /root/.cache
