FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /workspace/app
COPY pom.xml .
COPY src src
RUN mvn -B package -DskipTests

FROM eclipse-temurin:17-jre
COPY --from=build /workspace/app/target/*.jar /app.jar
ENTRYPOINT ["java", "-jar", "/app.jar"]
