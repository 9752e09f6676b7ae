# The official images' pattern: everything the RUN installs is marked
# automatic and purged again; what the result links against is kept.
FROM debian:bookworm-slim
RUN set -eux; \
	savedAptMark="$(apt-mark showmanual)"; \
	apt-get update; \
	apt-get install -y --no-install-recommends dpkg-dev gcc libbz2-dev make; \
	./configure && make && make install; \
	apt-mark auto '.*' > /dev/null; \
	apt-mark manual $savedAptMark; \
	apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \
	rm -rf /var/lib/apt/lists/*
CMD ["python3"]
