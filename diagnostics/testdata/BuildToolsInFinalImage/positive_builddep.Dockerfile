FROM ubuntu:14.04
# want "^The build dependencies of `python-matplotlib` and the build dependencies of `python3-lxml` are needed only for building"
RUN apt-get build-dep -y python-matplotlib python3-lxml
COPY requirements.txt /src/
RUN pip3 install -r /src/requirements.txt
CMD ["python3", "/src/app.py"]
