# check=skip=JSONArgsRecommended,StageNameCasing, UndefinedVar
FROM alpine:3.20 AS Build
