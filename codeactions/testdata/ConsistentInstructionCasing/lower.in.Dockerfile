from alpine:3.20
run echo one
RUN echo two
copy . /src
ENV A=1
cmd ["sh"]
