FROM mcr.microsoft.com/dotnet/sdk:8.0
COPY app.csproj .
RUN dotnet restore
COPY . .
RUN dotnet publish -c Release -o /out
