FROM debian:12
RUN apt-get update && apt-get install -y curl
# Installs from the lists the RUN above left: they must stay in the layer.
RUN apt-get install -y jq
