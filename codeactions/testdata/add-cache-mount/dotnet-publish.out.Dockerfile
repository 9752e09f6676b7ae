FROM mcr.microsoft.com/dotnet/sdk:8.0
COPY app.csproj .
RUN --mount=type=cache,target=/root/.nuget/packages dotnet restore
COPY . .
RUN --mount=type=cache,target=/root/.nuget/packages dotnet publish -c Release -o /out
