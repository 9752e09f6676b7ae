FROM mcr.microsoft.com/dotnet/sdk:8.0
WORKDIR /src/Api
COPY Api/ .
RUN dotnet publish -c Release -o /out
