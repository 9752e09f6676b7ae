# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
ENV APP_DIR C:\Program Files\App
ENV TOOLS C:\tools
