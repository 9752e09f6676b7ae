FROM node:20
# want "^\['npm', 'start'\] is not JSON \(JSON strings take double quotes\), so BuildKit runs it in the shell form: the shell looks for a program named `\[npm,`, which fails when the container starts. Write \[\"npm\", \"start\"\]."
CMD ['npm', 'start']
# want "^\[\"node\", 'server.js'\] is not JSON.* Write \[\"node\", \"server.js\"\]"
ENTRYPOINT ["node", 'server.js']
# want "fails and the build stops there. Write \[\"npm\", \"ci\"\]"
RUN ['npm', 'ci']
# want "Write \[\"curl\", \"-f\", \"http://localhost/\"\]"
HEALTHCHECK --interval=30s CMD ['curl', '-f', 'http://localhost/']
# want "Write \[\"sh\", \"-c\", \"echo \\\"hi\\\"\"\]"
CMD ['sh', '-c', 'echo "hi"']
# want "^\[ '/bin/bash' \] is not JSON .*: the shell runs it as a test \(`\[`\), which ends at once without running /bin/bash. Write \[\"/bin/bash\"\]."
CMD [ '/bin/bash' ]
