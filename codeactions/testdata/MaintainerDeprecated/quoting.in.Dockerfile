FROM debian:bookworm
ENV e=expanded
MAINTAINER Jane "JD" Doe C:\users\jd $e ${e} 'single'
