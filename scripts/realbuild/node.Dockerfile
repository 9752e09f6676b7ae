# The stand-in for node:* images of the real-build oracle (setup.sh builds
# it FROM its bookworm image): what the official node images have that the
# fixes depend on: node, npm and yarn on PATH, the user node (1000:1000,
# /home/node), and this machine's npm registry and CA configuration
# (the context's npmrc) as npm's global config.
FROM realbuild-bookworm
COPY npmrc /tmp/machine-npmrc
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends nodejs npm yarnpkg; \
    rm -rf /var/lib/apt/lists/*; \
    ln -s /usr/bin/yarnpkg /usr/local/bin/yarn; \
    groupadd --gid 1000 node; \
    useradd --uid 1000 --gid node --shell /bin/bash --create-home node; \
    install -m 0644 /tmp/machine-npmrc "$(npm config get globalconfig)"; \
    node --version; npm --version; yarn --version; \
    rm -rf /tmp/machine-npmrc /root/.npm /root/.cache /root/.config
CMD ["node"]
