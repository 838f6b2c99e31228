# Agency client. The jar and its start script come from `mvn package` on the host (no Maven
# in the image). Override the base where no registry is reachable:
#   --build-arg BASE_IMAGE=local/jre:25
ARG BASE_IMAGE=eclipse-temurin:25-jre
FROM ${BASE_IMAGE}
WORKDIR /app
# The layout of agency/target: bin/agency (the start script), agency.jar, jvm.options.
COPY agency/target/bin/agency /app/bin/agency
COPY agency/target/jvm.options /app/jvm.options
COPY agency/target/agency.jar /app/agency.jar
# The class-data archive (an AOT cache on JDK 25) is valid only for this jar at this path and
# this JVM, so it is dumped here by the start script's training run (a whole agency run
# against an in-process responder; see tp0.agency.ClassDataTraining), not copied from the
# host. On JDK 17..24 it extends the JDK's own base archive, which slim JRE images may lack:
# -Xshare:dump (re)creates that first.
RUN java -Xshare:dump -Xlog:cds=off -Xlog:cds+heap=off > /dev/null \
 && TP0_DUMP_ARCHIVE=1 /app/bin/agency > /dev/null
# config.yaml is bind-mounted at /app/config.yaml, the bets at /app/.data/agency-<CLI_ID>.csv.
# Exec form, and the script execs java: java is PID 1 and receives docker stop's SIGTERM itself.
ENTRYPOINT ["/app/bin/agency"]
