# Each ENV doubles the value before it: 10 bytes * 2^28 in 608 bytes.
FROM alpine:3.19
ENV A0=xxxxxxxxxx
ENV A1=${A0}${A0}
ENV A2=${A1}${A1}
ENV A3=${A2}${A2}
ENV A4=${A3}${A3}
ENV A5=${A4}${A4}
ENV A6=${A5}${A5}
ENV A7=${A6}${A6}
ENV A8=${A7}${A7}
ENV A9=${A8}${A8}
ENV A10=${A9}${A9}
ENV A11=${A10}${A10}
ENV A12=${A11}${A11}
# want "expands past the expansion budget"
ENV A13=${A12}${A12}
ENV A14=${A13}${A13}
ENV A15=${A14}${A14}
ENV A16=${A15}${A15}
ENV A17=${A16}${A16}
ENV A18=${A17}${A17}
ENV A19=${A18}${A18}
ENV A20=${A19}${A19}
ENV A21=${A20}${A20}
ENV A22=${A21}${A21}
ENV A23=${A22}${A22}
ENV A24=${A23}${A23}
ENV A25=${A24}${A24}
ENV A26=${A25}${A25}
ENV A27=${A26}${A26}
ENV A28=${A27}${A27}
RUN echo $A28
