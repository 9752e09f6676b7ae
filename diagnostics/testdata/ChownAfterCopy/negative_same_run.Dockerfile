# The same RUN unpacks the JDK into the tree: the chown -R must stay, so
# COPY --chown cannot replace it.
FROM debian:bookworm-slim
COPY java-dynamic-memory-opts /srv/java/
RUN cd /tmp && curl -fsSLO https://example.com/jdk.tar.gz && tar xf jdk.tar.gz -C /srv/java && rm jdk.tar.gz && chown -R java:java /srv/java
# A COPY into a folder above the target: COPY --chmod there would change
# every file it copies, not only those under /var/www.
COPY root/ /
RUN chmod -R g=rX,o=--- /var/www/*
