# Agency client. The jar and its start script come from `mvn package` on the host (no Maven
# in the image). Override the base where no registry is reachable:
#   --build-arg BASE_IMAGE=local/jre:25
# `make docker-image` builds it with the OCI labels' values and tags :<version> and :latest.
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
# Then the user the agency runs as (not root). It writes nothing (it reads config.yaml and its
# bets, both bind-mounted read-only, and logs to stdout), so it owns nothing here. Written into
# /etc/passwd directly: the same line works on Debian/Ubuntu bases and on busybox ones.
RUN java -Xshare:dump -Xlog:cds=off -Xlog:cds+heap=off > /dev/null \
 && TP0_DUMP_ARCHIVE=1 /app/bin/agency > /dev/null \
 && rm -rf /tmp/hsperfdata_root \
 && echo 'agency:x:10001:10001:tp0 agency:/app:/sbin/nologin' >> /etc/passwd \
 && echo 'agency:x:10001:' >> /etc/group
# config.yaml is bind-mounted at /app/config.yaml, the bets at /app/.data/agency-<CLI_ID>.csv.
# Numeric, so a runtime can tell it is not root without reading /etc/passwd (runAsNonRoot).
USER 10001:10001
# Who built what (OCI image spec annotations). Last, so a new commit rebuilds none of the
# layers above; `created` is the commit's time, not the build's.
ARG VERSION=unknown
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="tp0-agency" \
      org.opencontainers.image.description="tp0 lottery: an agency, which sends its bets to the lottery and learns its winners" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0"
# Exec form, and the script execs java: java is PID 1 and receives docker stop's SIGTERM itself.
ENTRYPOINT ["/app/bin/agency"]
