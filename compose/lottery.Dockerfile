# Central lottery server. The jar comes from `mvn package` on the host (no Maven in the image).
# Override the base where no registry is reachable: --build-arg BASE_IMAGE=local/jre:17
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
WORKDIR /app
COPY lottery/jvm.options /app/jvm.options
COPY lottery/target/lottery.jar /app/lottery.jar
# config.ini is bind-mounted at /app/config.ini; bets.csv is written to /app.
# Exec form: java is PID 1 and receives docker stop's SIGTERM itself.
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/lottery.jar"]
