#!/usr/bin/env bash
# Builds a Prometheus server image WITHOUT any registry, as a stand-in for the official
# `prom/prometheus` image, for `MONITORING=1 ./generar-compose.sh` where nothing can be pulled:
# the host's Debian `prometheus` binary + the libraries it links against + busybox-static,
# packed into a rootfs and loaded with `docker import` (as ../shared/docker/build-postgres-image.sh
# does for PostgreSQL).
#
# It keeps the official image's contract, so the compose file runs unchanged on either:
#   - ENTRYPOINT /bin/prometheus; CMD --config.file=/etc/prometheus/prometheus.yml
#     --storage.tsdb.path=/prometheus (compose's `command:` replaces the CMD, as there)
#   - runs as nobody (65534), owner of /prometheus, the working directory; port 9090
#   - busybox on PATH (sh, wget for a healthcheck)
# It differs in one way: Debian's package has no web UI (its React pages are not packaged), so
# the stand-in serves the HTTP API (/api/v1/..., /-/ready, /metrics) and blank pages where the
# official image shows the UI.
#
# Usage: compose/build-prometheus-image.sh [tag]
#   default tag prom/prometheus:v<the package's upstream version>, e.g. v2.42.0 on Debian 12
#   (the official image's name for that version); also tagged local/prometheus:<version>.
# Prints the tag it built, alone on the last line. ~3 s.
# Needs: Debian's prometheus (apt-get install -y prometheus; installed here if missing, as root),
# busybox-static, docker.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
[ -x /usr/bin/prometheus ] || need+=(prometheus)
[ -x /bin/busybox ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
# 2.42.0+ds-5+deb12u1 -> 2.42.0
version=$(dpkg-query -W -f='${Version}' prometheus)
version=${version#*:}
version=${version%%[+~-]*}
tag=${1:-prom/prometheus:v$version}

work=$(mktemp -d)
root=$work/rootfs
trap 'rm -rf "$work"' EXIT
mkdir -p "$root"/{bin,etc/prometheus,tmp,lib/x86_64-linux-gnu,lib64,prometheus}
chmod 1777 "$root/tmp"

# 1. the server, its default configuration and console files (Debian's, under /etc/prometheus)
cp /usr/bin/prometheus /usr/bin/promtool "$root/bin/"
cp -a /etc/prometheus/. "$root/etc/prometheus/"

# 2. the libraries its binaries link against (libc only, today), and name resolution for the
#    scrape targets' names (compose's service names, through Docker's DNS)
libs=$(ldd /usr/bin/prometheus /usr/bin/promtool 2>/dev/null | awk '/=> \//{print $3}' | sort -u)
for l in $libs /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
         /lib/x86_64-linux-gnu/libresolv.so.2; do
  [ -e "$l" ] && cp -L "$l" "$root/lib/x86_64-linux-gnu/$(basename "$l")"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"

# 3. busybox for /bin/sh, wget, ...
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
  [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done

# 4. a minimal /etc with nobody, who owns the data folder (as in the official image)
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
chown -R 65534:65534 "$root/prometheus"

# 5. import, then one local build step for what `docker import` cannot set (labels)
tar -C "$root" --numeric-owner -c . | docker import - "$tag-rootfs" > /dev/null
docker build -q -t "$tag" -t "local/prometheus:$version" - > /dev/null <<EOF
FROM $tag-rootfs
LABEL org.opencontainers.image.title="prometheus (tp0 stand-in)" \\
      org.opencontainers.image.description="Debian's prometheus $(dpkg-query -W -f='${Version}' prometheus) as a stand-in for prom/prometheus:v$version (no web UI)" \\
      org.opencontainers.image.version="$version" \\
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/bin
USER 65534:65534
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
EOF
docker rmi "$tag-rootfs" > /dev/null 2>&1 || true
echo "$tag"
