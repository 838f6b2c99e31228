# Agency client. The jar comes from `mvn package` on the host (no Maven in the image).
# Override the base where no registry is reachable: --build-arg BASE_IMAGE=local/jre:17
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
WORKDIR /app
COPY agency/target/agency.jar /app/agency.jar
# config.yaml is bind-mounted at /app/config.yaml, the bets at /app/.data/agency-<CLI_ID>.csv.
# Exec form: java is PID 1 and receives docker stop's SIGTERM itself.
ENTRYPOINT ["java", "-jar", "/app/agency.jar"]
