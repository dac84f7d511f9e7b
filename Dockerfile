# Build and run udp-image-service. Ports: 8080/tcp (HTTP), 9999/udp (images), 9998/udp (lists).
# docs/operations.md#docker: the user, the layers, the heap from the container's memory, the health check.
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .springjavaformatconfig jvm.options ./
RUN mvn -B -q dependency:go-offline
COPY src src
COPY bench bench
# the tests run in CI, not in an image build: -Dmaven.test.skip neither compiles nor runs them
RUN mvn -B -q package -Dmaven.test.skip=true \
    && cp target/udp-image-service-*.jar application.jar \
    && java -Djarmode=tools -jar application.jar extract --layers --destination extracted

FROM eclipse-temurin:17.0.13_11-jre-jammy
RUN groupadd --system --gid 10001 udpimage \
    && useradd --system --uid 10001 --gid udpimage --home-dir /app --shell /usr/sbin/nologin udpimage \
    && mkdir /data && chown udpimage:udpimage /data
WORKDIR /app
# Spring Boot's layers, the least often changed first: a new build of the service changes only the last
COPY --from=build /src/extracted/dependencies/ ./
COPY --from=build /src/extracted/spring-boot-loader/ ./
COPY --from=build /src/extracted/snapshot-dependencies/ ./
COPY --from=build /src/extracted/application/ ./
COPY deploy/jvm.container.options /app/jvm.options
USER udpimage:udpimage
ENV UDP_STORE_DIR=/data
VOLUME /data
EXPOSE 8080/tcp 9999/udp 9998/udp
# liveness from inside the container (the image has no curl): bash's /dev/tcp, HTTP/1.0, the status line;
# six misses in a row (a minute, which a start takes at most) make it unhealthy
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf 'GET /actuator/health/liveness HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/application.jar"]
