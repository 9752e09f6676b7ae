FROM debian:bookworm
RUN apt-get update
# Fetch and run the installer.
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/install.sh | sh
RUN wget -qO- https://example.com/a.sh | sh
