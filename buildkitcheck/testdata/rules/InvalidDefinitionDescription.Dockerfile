# foo bar
ARG baz=1
FROM scratch
