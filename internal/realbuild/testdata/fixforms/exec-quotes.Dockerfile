FROM debian:bookworm-slim
RUN ['touch', '/made']
CMD ['cat', '/made']
