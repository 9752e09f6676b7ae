# A Java 8 build ships on a Java 8 JRE.
# want "^The final image starts from maven:3.5-jdk-8, a build toolchain.*FROM `eclipse-temurin:8-jre` \(≈ 90 MB\).$"
FROM maven:3.5-jdk-8
COPY . /src
RUN mvn -f /src/pom.xml clean package -DskipTests
CMD ["java", "-jar", "/src/target/app.jar"]
