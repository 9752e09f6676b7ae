# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended,StageNameCasing;error=false
FROM alpine:3.20 AS Build
CMD echo hi
