# Build and run udp-image-service. Ports: 8080/tcp (HTTP), 9999/udp (images), 9998/udp (lists).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .springjavaformatconfig jvm.options ./
RUN mvn -B -q dependency:go-offline
COPY src src
COPY bench bench
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/udp-image-service-*.jar app.jar
# The service's JVM options, the same file `mvn spring-boot:run` and the benchmark use (docs/operations.md says
# why each is there, and what memory limit a container needs: 640 MB or more)
COPY jvm.options /app/jvm.options
EXPOSE 8080/tcp 9999/udp 9998/udp
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/app.jar"]
