# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
MAINTAINER Jane "JD" C:\users\jd `x $e
