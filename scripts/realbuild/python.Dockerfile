# The stand-in for python:* images of the real-build oracle (setup.sh
# builds it FROM its bookworm image): python and pip on PATH, no
# EXTERNALLY-MANAGED marker, as in the official images. The package index
# is not reachable from these machines, so pip.conf (from the context)
# installs from /opt/wheels only, where a small wheel made here waits for
# the requirements files the harness generates.
FROM realbuild-bookworm
COPY pip.conf /etc/pip.conf
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends python3 python3-pip python3-venv python3-setuptools python3-wheel; \
    rm -rf /var/lib/apt/lists/*; \
    rm -f /usr/lib/python3*/EXTERNALLY-MANAGED; \
    ln -s /usr/bin/python3 /usr/local/bin/python; \
    ln -s /usr/bin/pip3 /usr/local/bin/pip; \
    mkdir -p /tmp/probe/realbuild_probe; \
    echo 'VERSION = "1.0"' > /tmp/probe/realbuild_probe/__init__.py; \
    printf '[project]\nname = "realbuild-probe"\nversion = "1.0"\n\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n' > /tmp/probe/pyproject.toml; \
    pip wheel --no-deps --no-build-isolation -w /opt/wheels /tmp/probe; \
    rm -rf /tmp/probe /root/.cache; \
    python --version; pip --version
ENV LANG=C.UTF-8
CMD ["python3"]
