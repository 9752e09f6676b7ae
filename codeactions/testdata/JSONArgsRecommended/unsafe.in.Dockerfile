FROM alpine:3.20 AS variable
CMD echo $HOME

FROM alpine:3.20 AS operators
CMD npm run build && node server.js

FROM alpine:3.20 AS quotes
CMD python "app.py"

FROM alpine:3.20 AS glob
CMD ./process *.txt

FROM alpine:3.20 AS builtin
CMD cd /app

FROM alpine:3.20 AS assignment
CMD PORT=80 ./server

FROM alpine:3.20 AS redirect
CMD ./server >/var/log/out

FROM alpine:3.20 AS tilde
CMD ~/bin/server

FROM alpine:3.20 AS comment
CMD ./server # the server

FROM alpine:3.20 AS backslash
CMD ./server \
    --verbose

FROM alpine:3.20 AS with-entrypoint
ENTRYPOINT ["/entrypoint.sh"]
CMD run server

FROM with-entrypoint AS inherits-entrypoint
CMD serve

FROM alpine:3.20 AS shell-entrypoint
ENTRYPOINT /usr/bin/server --config /etc/server.conf
