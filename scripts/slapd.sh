#!/usr/bin/env bash
# A throwaway OpenLDAP slapd for TEKUP_chat: its own cn=config, database, pid file and loopback
# port under one directory, so it never touches (or is touched by) a system slapd. Used by people
# trying the LDAP directory (docs/ldap.md) and by the tests (test/helpers/slapd.ts).
#
#   scripts/slapd.sh start [--dir DIR] [--port N] [--suffix DN] [--no-unique] [--tls]
#       Creates DIR (a new temp dir by default) unless it already holds a directory made by this
#       script, starts slapd on ldap://127.0.0.1:N (a free port by default, the previous one for an
#       existing DIR), and prints shell assignments: TEKUP_LDAP_URL, TEKUP_LDAP_BIND_DN,
#       TEKUP_LDAP_PASSWORD_FILE, TEKUP_LDAP_BASE_DN (what `npm start` reads), SLAPD_DIR, SLAPD_PID.
#       --no-unique leaves out the `unique` overlay (mail and employeeNumber unique), to exercise
#       what TEKUP_chat does on a directory that does not enforce uniqueness itself.
#       --tls makes a throwaway CA and a certificate for 127.0.0.1, accepts StartTLS on the ldap://
#       port and also listens on ldaps://; it then prints TEKUP_LDAP_CA and SLAPD_LDAPS_URL too.
#       cn=config can be changed while it runs: bind as cn=config with the same password file.
#   scripts/slapd.sh stop DIR [--keep]
#       Stops that slapd and removes DIR (kept with --keep, so `start --dir DIR` brings it back).
set -euo pipefail

SLAPD=$(command -v slapd || echo /usr/sbin/slapd)
SLAPADD=$(command -v slapadd || echo /usr/sbin/slapadd)
SLAPPASSWD=$(command -v slappasswd || echo /usr/sbin/slappasswd)
SCHEMA_DIR=${SLAPD_SCHEMA_DIR:-/etc/ldap/schema}
MODULE_DIR=${SLAPD_MODULE_DIR:-/usr/lib/ldap}

die() { echo "slapd.sh: $*" >&2; exit 1; }
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}
[ -n "$cmd" ] || usage
shift
DIR= PORT= SUFFIX=dc=tekup,dc=test UNIQUE=1 KEEP=0 TLS=0
while [ $# -gt 0 ]; do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --suffix) SUFFIX=$2; shift 2 ;;
    --no-unique) UNIQUE=0; shift ;;
    --tls) TLS=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage ;;
    -*) die "unknown option $1" ;;
    *) DIR=$1; shift ;;
  esac
done

running() { [ -f "$DIR/slapd.pid" ] && kill -0 "$(cat "$DIR/slapd.pid")" 2>/dev/null; }

# cn=config for one mdb database holding SUFFIX, with the schemas an inetOrgPerson needs.
write_config() {
  local rootpw unique= tls=
  rootpw=$("$SLAPPASSWD" -T "$DIR/admin.password")
  if [ "$TLS" = 1 ]; then
    tls="olcTLSCACertificateFile: $DIR/ca.pem
olcTLSCertificateFile: $DIR/server.pem
olcTLSCertificateKeyFile: $DIR/server.key"
  fi
  if [ "$UNIQUE" = 1 ]; then
    unique="
dn: olcOverlay={0}unique,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcUniqueConfig
olcOverlay: {0}unique
olcUniqueURI: ldap:///ou=people,$SUFFIX?mail,employeeNumber?sub
"
  fi
  cat >"$DIR/config.ldif" <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $DIR/slapd.pid
olcArgsFile: $DIR/slapd.args
olcLogLevel: none
$tls

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: $MODULE_DIR
olcModuleLoad: back_mdb
olcModuleLoad: unique

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file://$SCHEMA_DIR/core.ldif
include: file://$SCHEMA_DIR/cosine.ldif
include: file://$SCHEMA_DIR/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcRootDN: cn=config
olcRootPW: $rootpw
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $SUFFIX
olcRootDN: cn=admin,$SUFFIX
olcRootPW: $rootpw
olcDbDirectory: $DIR/db
olcDbIndex: objectClass eq
olcDbIndex: uid,mail,employeeNumber eq
olcAccess: {0}to attrs=userPassword by self =xw by anonymous auth by * none
olcAccess: {1}to * by users read by * none
$unique
LDIF
}

# A CA of its own and a server certificate for 127.0.0.1, both short-lived.
make_tls() {
  local o=(-days 30 -subj)
  openssl req -x509 -newkey rsa:2048 -nodes "${o[@]}" "/CN=tekup-slapd test CA" -keyout "$DIR/ca.key" -out "$DIR/ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -new -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$DIR/server.key" -out "$DIR/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$DIR/server.ext"
  openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial -days 30 \
    -extfile "$DIR/server.ext" -out "$DIR/server.pem" 2>/dev/null
  chmod 600 "$DIR/ca.key" "$DIR/server.key"
}

init() {
  [ "${SUFFIX%%=*}" = dc ] || die "--suffix must start with dc=..., e.g. dc=tekup,dc=test"
  mkdir -p "$DIR/db" "$DIR/slapd.d"
  chmod 700 "$DIR"
  # No trailing newline: ldapsearch -y and slappasswd -T take the whole file as the password.
  (umask 077 && printf '%s' "$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')" >"$DIR/admin.password")
  echo "$SUFFIX" >"$DIR/suffix"
  if [ "$TLS" = 1 ]; then make_tls; fi
  write_config
  "$SLAPADD" -n 0 -F "$DIR/slapd.d" -l "$DIR/config.ldif" -q >/dev/null 2>"$DIR/slapadd.log" || die "slapadd failed: $(cat "$DIR/slapadd.log")"
}

# NAME='value', quoted for the shell (so `eval "$(scripts/slapd.sh start)"` works).
say() { printf "%s='%s'\n" "$1" "${2//\'/\'\\\'\'}"; }

url() { echo "ldap://127.0.0.1:$1"; }

# Starts slapd on PORT (and LDAPS_PORT with TLS); false when it could not (e.g. a port was taken meanwhile).
launch() {
  local urls="$(url "$1")/"
  if [ -f "$DIR/ca.pem" ]; then urls="$urls ldaps://127.0.0.1:$2/"; fi
  rm -f "$DIR/slapd.pid"
  "$SLAPD" -F "$DIR/slapd.d" -h "$urls" -n tekup-slapd 2>>"$DIR/slapd.log" || return 1
  for _ in $(seq 100); do
    if ldapsearch -x -H "$(url "$1")" -b "" -s base -LLL namingContexts >/dev/null 2>&1; then return 0; fi
    running || [ ! -f "$DIR/slapd.pid" ] || return 1
    sleep 0.05
  done
  return 1
}

free_port() {
  # Ask the kernel for a free port (bind to 0) where Python is around, else guess in the dynamic range.
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

start() {
  local fresh=0
  if [ -z "$DIR" ]; then
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/tekup-slapd.XXXXXX")
    # A temp dir we made is ours to remove if this start fails.
    trap 'rm -rf "$DIR"' EXIT
  fi
  DIR=$(cd "$DIR" && pwd)
  if [ ! -d "$DIR/slapd.d" ]; then
    [ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty and was not made by this script"
    init
    fresh=1
  fi
  SUFFIX=$(cat "$DIR/suffix")
  running && die "a slapd already runs for $DIR (pid $(cat "$DIR/slapd.pid"))"
  if [ -z "$PORT" ] && [ -f "$DIR/port" ]; then PORT=$(cat "$DIR/port"); fi
  local LDAPS_PORT=
  if [ -f "$DIR/ldaps-port" ]; then LDAPS_PORT=$(cat "$DIR/ldaps-port"); else LDAPS_PORT=$(free_port); fi
  if [ -n "$PORT" ]; then
    launch "$PORT" "$LDAPS_PORT" || die "slapd did not start on 127.0.0.1:$PORT (port taken?) $(tail -n 5 "$DIR/slapd.log" 2>/dev/null)"
  else
    local tries=0
    until PORT=$(free_port) && launch "$PORT" "$LDAPS_PORT"; do
      LDAPS_PORT=$(free_port)
      tries=$((tries + 1))
      [ $tries -lt 10 ] || die "slapd did not start: $(tail -n 5 "$DIR/slapd.log" 2>/dev/null)"
    done
  fi
  echo "$PORT" >"$DIR/port"
  echo "$LDAPS_PORT" >"$DIR/ldaps-port"
  if [ $fresh = 1 ]; then
    local dc=${SUFFIX%%,*}
    ldapadd -x -H "$(url "$PORT")" -D "cn=admin,$SUFFIX" -y "$DIR/admin.password" >/dev/null <<LDIF || die "could not create $SUFFIX"
dn: $SUFFIX
objectClass: dcObject
objectClass: organization
dc: ${dc#dc=}
o: TEKUP_chat

dn: ou=people,$SUFFIX
objectClass: organizationalUnit
ou: people
LDIF
  fi
  say TEKUP_LDAP_URL "$(url "$PORT")"
  say TEKUP_LDAP_BIND_DN "cn=admin,$SUFFIX"
  say TEKUP_LDAP_PASSWORD_FILE "$DIR/admin.password"
  say TEKUP_LDAP_BASE_DN "ou=people,$SUFFIX"
  if [ -f "$DIR/ca.pem" ]; then
    say TEKUP_LDAP_CA "$DIR/ca.pem"
    say SLAPD_LDAPS_URL "ldaps://127.0.0.1:$LDAPS_PORT"
  fi
  say SLAPD_DIR "$DIR"
  say SLAPD_PID "$(cat "$DIR/slapd.pid")"
  trap - EXIT
}

stop() {
  [ -n "$DIR" ] && [ -d "$DIR/slapd.d" ] || die "stop needs the directory printed by start (SLAPD_DIR)"
  if running; then
    local pid
    pid=$(cat "$DIR/slapd.pid")
    # Its data is about to be removed: no need to wait for a clean shutdown (which takes a second or two).
    if [ $KEEP = 0 ]; then kill -9 "$pid"; else kill "$pid"; fi
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
  fi
  if [ $KEEP = 0 ]; then rm -rf "$DIR"; fi
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
