# Values under the budget, and words BuildKit does not expand.
ARG BASE=alpine:3.19
FROM ${BASE}
ENV A0=xxxxxxxxxx
ENV A1=${A0}${A0}
ENV A2=${A1}${A1}
ENV A3=${A2}${A2}
ENV A4=${A3}${A3}
ENV A5=${A4}${A4}
ENV A6=${A5}${A5}
ENV A7=${A6}${A6}
ENV A8=${A7}${A7}
ENV A9=${A8}${A8}
ENV A10=${A9}${A9}
ENV A11=${A10}${A10}
ENV A12=${A11}${A11}
ENV PATH=/opt/bin:$PATH HOME_DIR=/home/app
# A RUN is expanded by the shell, not BuildKit.
RUN echo $A12$A12$A12$A12
# A quoted heredoc delimiter is not expanded.
COPY <<'EOF' /etc/big
$A12$A12
EOF
LABEL version=$A3
