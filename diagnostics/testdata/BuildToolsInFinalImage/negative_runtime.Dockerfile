# Nothing in the file builds with them: the JDK runs groovy, mono-dev's
# assemblies are what choco.exe runs on. They may be run-time needs.
FROM alpine:3.19
RUN apk add --no-cache openjdk8 mono-dev
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk && rm -rf /var/lib/apt/lists/*
ENV PATH=/groovy/bin:$PATH
ENTRYPOINT ["/entrypoint.sh"]
