# Ten times per line: A4 is 100,000 bytes.
FROM alpine:3.19
ENV A0=xxxxxxxxxx
ENV A1=${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}
ENV A2=${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}
ENV A3=${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}
# want "expands past the expansion budget"
ENV A4=${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}
ENV A5=${A4}${A4}${A4}${A4}${A4}${A4}${A4}${A4}${A4}${A4}
ENV A6=${A5}${A5}${A5}${A5}${A5}${A5}${A5}${A5}${A5}${A5}
ENV A7=${A6}${A6}${A6}${A6}${A6}${A6}${A6}${A6}${A6}${A6}
ENV A8=${A7}${A7}${A7}${A7}${A7}${A7}${A7}${A7}${A7}${A7}
ENV A9=${A8}${A8}${A8}${A8}${A8}${A8}${A8}${A8}${A8}${A8}
ENV A10=${A9}${A9}${A9}${A9}${A9}${A9}${A9}${A9}${A9}${A9}
ENV A11=${A10}${A10}${A10}${A10}${A10}${A10}${A10}${A10}${A10}${A10}
RUN echo $A11
