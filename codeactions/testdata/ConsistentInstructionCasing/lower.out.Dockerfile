from alpine:3.20
run echo one
run echo two
copy . /src
env A=1
cmd ["sh"]
