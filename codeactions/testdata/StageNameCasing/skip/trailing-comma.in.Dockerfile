# check=skip=JSONArgsRecommended, UndefinedVar
FROM alpine:3.20 AS Build
