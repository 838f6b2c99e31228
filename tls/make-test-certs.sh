#!/usr/bin/env bash
# Makes a throwaway test PKI for TLS on the agency link, with only the JDK's keytool:
#   ca.pem                 the test CA (give it to agencies as server.tls.ca, to the server as TLS_CLIENT_CA)
#   server.p12             the server's key + certificate (TLS_KEYSTORE), SAN localhost, 127.0.0.1, server
#   agency-<k>.p12         agency k's key + certificate for mutual TLS (CN and SAN agency-<k>)
#   password.txt           the password of every .p12 here (TLS_KEYSTORE_PASSWORD_FILE,
#                          server.tls.keystorePasswordFile)
# and, for tests of the failures: other-ca.pem (a CA that signed nothing here), server-expired.p12
# (valid for one day, ended two days ago) and server-wrong-name.p12 (SAN elsewhere.invalid only).
# Usage: tls/make-test-certs.sh <out-dir> [number of agencies, default 5]
# Keys are test keys: never commit the output, never use it in production.
set -euo pipefail

out="${1:?usage: $0 <out-dir> [agencies]}"
agencies="${2:-5}"
mkdir -p "$out"
cd "$out"
rm -f ./*.p12 ./*.pem ./*.csr password.txt

password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
printf '%s\n' "$password" > password.txt
chmod 600 password.txt

kt() { keytool -storetype PKCS12 -storepass "$password" -keypass "$password" "$@" 2>&1 \
    | grep -v -e '^Generating' -e '^Certificate was added' -e '^Certificate reply was installed' -e '^$' -e '^\s*for: ' -e '^Certificate stored in file' >&2 || true; }
key() { kt -genkeypair -keyalg EC -groupname secp256r1 -alias "$1" -dname "CN=$1" -keystore "$2" -validity 30 "${@:3}"; }

# A CA: a self-signed key with basicConstraints CA:true.
ca() {
    key "$1" "$1.p12" -ext bc:c -ext ku:c=keyCertSign,cRLSign
    kt -exportcert -rfc -alias "$1" -keystore "$1.p12" -file "$1.pem"
}

# A leaf of the test CA: <name> <file> <keytool -gencert options...>; the .p12 holds key, chain and the CA.
leaf() {
    local name="$1" file="$2"
    shift 2
    key "$name" "$file"
    kt -certreq -alias "$name" -keystore "$file" -file "$name.csr"
    kt -gencert -alias tp0-test-ca -keystore tp0-test-ca.p12 -infile "$name.csr" -outfile "$name.crt.pem" -rfc \
        -ext ku:c=digitalSignature "$@"
    kt -importcert -noprompt -alias ca -file ca.pem -keystore "$file"
    kt -importcert -alias "$name" -file "$name.crt.pem" -keystore "$file"
    rm -f "$name.csr" "$name.crt.pem"
}

ca tp0-test-ca
mv tp0-test-ca.pem ca.pem
ca tp0-other-ca
mv tp0-other-ca.pem other-ca.pem
rm -f tp0-other-ca.p12

leaf server server.p12 -ext san=dns:localhost,ip:127.0.0.1,dns:server -ext eku=serverAuth -validity 30
leaf server server-expired.p12 -ext san=dns:localhost,ip:127.0.0.1,dns:server -ext eku=serverAuth \
    -startdate -3d -validity 1
leaf server server-wrong-name.p12 -ext san=dns:elsewhere.invalid -ext eku=serverAuth -validity 30
for k in $(seq 1 "$agencies"); do
    leaf "agency-$k" "agency-$k.p12" -ext "san=dns:agency-$k" -ext eku=clientAuth -validity 30
done
rm -f tp0-test-ca.p12 # the CA key is needed no more: nothing else can be signed with it
echo "test certificates in $(pwd): ca.pem server.p12 agency-1..$agencies.p12 password.txt"
