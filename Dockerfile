# Build and run udp-image-service. Ports: 8080/tcp (HTTP), 9999/udp (images), 9998/udp (lists).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/udp-image-service-*.jar app.jar
EXPOSE 8080/tcp 9999/udp 9998/udp
# The JVM options of pom.xml's service.jvm.options (see there why). Peak RSS is about 500 MB, and a container's
# limit also counts the page cache of what the store writes and what waits in the image port's socket (up to
# 32 MB with CAP_NET_ADMIN, see docker-compose.yml): give it 640 MB or more
ENTRYPOINT ["java", "-Xms304m", "-Xmx304m", "-XX:G1HeapRegionSize=2m", "-XX:+AlwaysPreTouch", "-XX:-G1UseAdaptiveIHOP", "-XX:InitiatingHeapOccupancyPercent=75", "-jar", "/app/app.jar"]
