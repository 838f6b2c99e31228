# Central lottery server. The jar and its start script come from `mvn package` on the host
# (no Maven in the image). Override the base where no registry is reachable:
#   --build-arg BASE_IMAGE=local/jre:25
# `make docker-image` builds it with the OCI labels' values and tags :<version> and :latest.
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
# Then the user the server runs as (not root: a flaw in it or its libraries gets no root in the
# container). It owns only the folders it writes: /app, the working directory, where the file
# store writes bets.csv and all-bets-sent.txt, and /app/data, where compose's PERSIST=1 mounts a
# named volume (an empty volume takes this folder's owner). The program, its archive and its
# options stay root's, read-only to it. Written into /etc/passwd directly: the same line works
# on the Debian/Ubuntu bases and on busybox ones (no useradd there).
RUN java -Xshare:dump -Xlog:cds=off -Xlog:cds+heap=off > /dev/null \
 && TP0_DUMP_ARCHIVE=1 /app/bin/lottery > /dev/null \
 && rm -rf /tmp/hsperfdata_root \
 && echo 'lottery:x:10001:10001:tp0 lottery server:/app:/sbin/nologin' >> /etc/passwd \
 && echo 'lottery:x:10001:' >> /etc/group \
 && mkdir -p /app/data \
 && chown 10001:10001 /app /app/data
# config.ini is bind-mounted at /app/config.ini; bets.csv is written to /app (or, with compose's
# PERSIST=1, the working directory is the volume at /app/data, config.ini mounted into it).
# Numeric, so a runtime can tell it is not root without reading /etc/passwd (runAsNonRoot).
USER 10001:10001
# Who built what, as operators' tools read it (OCI image spec annotations). Last, so a new
# commit rebuilds none of the layers above. `created` is the commit's time, not the build's:
# two builds of one commit get the same labels.
ARG VERSION=unknown
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="tp0-lottery" \
      org.opencontainers.image.description="tp0 lottery: the central server the agencies send their bets to" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0"
# Exec form, and the script execs java: java is PID 1 and receives docker stop's SIGTERM itself.
ENTRYPOINT ["/app/bin/lottery"]
