# check=error=true
FROM debian:bookworm
MAINTAINER ops@example.com
