FROM debian:bookworm
RUN useradd -u 1000 -m app
RUN useradd -l -u 100000 -m app2 && useradd --no-log-init --uid=100001 app3 && useradd -lu 100002 app4
RUN useradd -r app5
# A UID only the script knows.
RUN uid=100000; useradd -u $uid app6
ARG UNSET
RUN useradd -u $UNSET app7
# -u as the value of another option.
RUN useradd -c -u -s /bin/sh app8
RUN adduser --uid 100000 --disabled-password app9
