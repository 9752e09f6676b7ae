FROM debian:bookworm
# want "^useradd -u 100000 without -l writes the user's login record 29.2 MB into /var/log/lastlog \(and into faillog\): a sparse file on disk, but the image layer stores it in full, ≈ 29.2 MB of zeros to unpack and export. Add -l"
RUN useradd -u 100000 -m app
ARG UID=1000000
# want "useradd -u 1000000 without -l .* 292 MB"
RUN groupadd -g 1000 app && useradd --uid=$UID -g app -s /bin/bash app
# want "useradd -u 70000 without -l"
RUN useradd -mu 70000 app2
# want "useradd -u 65536 without -l"
RUN useradd --shell /bin/sh --uid 65536 app3
