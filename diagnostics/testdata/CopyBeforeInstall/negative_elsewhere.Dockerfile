# The package.json installed here comes with a pip package, not from the
# build context: copying it first cannot apply.
FROM python:2.7-alpine
ADD . /var/labhacker/colab
WORKDIR /var/labhacker/colab
RUN pip install colab-edemocracia
WORKDIR /usr/lib/python2.7/site-packages/colab_edemocracia
RUN npm install
