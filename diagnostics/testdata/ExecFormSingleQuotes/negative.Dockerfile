FROM node:20
CMD ["npm", "start"]
ENTRYPOINT ["node", "server.js"]
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
# Shell form that starts with a test.
RUN [ -f /etc/os-release ] && cat /etc/os-release
RUN [ '1' = '1' ]
CMD echo '[a]'
# Not an array of strings.
CMD [npm, start]
