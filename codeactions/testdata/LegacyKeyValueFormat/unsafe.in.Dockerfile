FROM alpine:3.20
ENV A say "hi there" now
ENV B one\ two three
ENV C 'a b' c
ENV D first \
      second
