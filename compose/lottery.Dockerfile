# Central lottery server. The jar and its start script come from `mvn package` on the host
# (no Maven in the image). Override the base where no registry is reachable:
#   --build-arg BASE_IMAGE=local/jre:25
ARG BASE_IMAGE=eclipse-temurin:25-jre
FROM ${BASE_IMAGE}
WORKDIR /app
# The layout of lottery/target: bin/lottery (the start script), lottery.jar, jvm.options.
COPY lottery/target/bin/lottery /app/bin/lottery
COPY lottery/target/jvm.options /app/jvm.options
COPY lottery/target/lottery.jar /app/lottery.jar
# The class-data archive (an AOT cache on JDK 25) is valid only for this jar at this path and
# this JVM, so it is dumped here by the start script's training run (the real server and five
# agencies on loopback; see tp0.lottery.ClassDataTraining), not copied from the host. On JDK
# 17..24 it extends the JDK's own base archive, which slim JRE images may lack: -Xshare:dump
# (re)creates that first.
RUN java -Xshare:dump -Xlog:cds=off -Xlog:cds+heap=off > /dev/null \
 && TP0_DUMP_ARCHIVE=1 /app/bin/lottery > /dev/null
# config.ini is bind-mounted at /app/config.ini; bets.csv is written to /app.
# Exec form, and the script execs java: java is PID 1 and receives docker stop's SIGTERM itself.
ENTRYPOINT ["/app/bin/lottery"]
