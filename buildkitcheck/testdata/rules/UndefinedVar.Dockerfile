FROM scratch
ENV X=$FOO
