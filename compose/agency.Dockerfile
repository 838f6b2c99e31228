# Agency client. The jar comes from `mvn package` on the host (no Maven in the image).
# Override the base where no registry is reachable: --build-arg BASE_IMAGE=local/jre:17
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
WORKDIR /app
COPY agency/jvm.options /app/jvm.options
COPY agency/target/agency.jar /app/agency.jar
# The class-data-sharing archive is valid only for this jar at this path and this JVM, so it
# is dumped here (a training run against an in-process responder; see ClassDataTraining),
# not copied from the host. It extends the JDK's own base archive, which slim JRE images may
# lack: -Xshare:dump (re)creates that first.
RUN java -Xshare:dump -Xlog:cds=off -Xlog:cds+heap=off > /dev/null \
 && java @/app/jvm.options -XX:ArchiveClassesAtExit=/app/agency.jsa -cp /app/agency.jar tp0.agency.ClassDataTraining
# config.yaml is bind-mounted at /app/config.yaml, the bets at /app/.data/agency-<CLI_ID>.csv.
# Exec form: java is PID 1 and receives docker stop's SIGTERM itself.
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:SharedArchiveFile=/app/agency.jsa", "-jar", "/app/agency.jar"]
