FROM debian:bookworm
ENV e=expanded
LABEL org.opencontainers.image.authors="Jane \"JD\" Doe C:\\users\\jd \$e \${e} 'single'"
