from debian:bookworm
maintainer ops@example.com
run echo hi
