FROM alpine:3.20
ENV PATH /usr/local/bin:$PATH
ENV MSG hello   world
ENV EMPTY ""
ENV Q "quoted value"
ENV JAVA_OPTS -Xmx1g -Dfoo=bar ${EXTRA:-none}
ENV HOME_DIR	$HOME/app dir
LABEL description A small image
LABEL version 1.0
