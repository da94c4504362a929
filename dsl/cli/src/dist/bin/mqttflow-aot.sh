# shellcheck shell=bash
# Sourced by bin/mqttflow (source checkout and distribution): the JDK's ahead-of-time cache
# (JEP 483/514, JDK 25+), created and used automatically. JDK 17-24 get no flags (JDK 17 refuses
# them and does not start). Set MQTTFLOW_AOT=off to run without it.
#
#   1. the second `run` with no cache records which classes it loads (-XX:AOTMode=record; written at
#      exit). Not the first: that one usually compiles its script, and a cache holding the Kotlin
#      compiler's classes is three times the size (and mapped into every later run's RSS);
#   2. the next start builds the cache from that record, once (a few seconds, a line on stderr);
#   3. every start after that maps the cache (-XX:AOTCache): classes come loaded and linked.
# The cache is dropped when the jar it was made for is newer. A cache that does not fit (other JVM
# options, another classpath) is ignored by the JVM; the JVM's own AOT log lines are switched off.

# mqttflow_aot JAVA DIR JAR CLASSPATH COMMAND: sets the array aot_flags for the JVM that runs COMMAND.
mqttflow_aot() {
  local java="$1" dir="$2" jar="$3" cp="$4" command="${5:-}" bin home version feature
  aot_flags=()
  [ "${MQTTFLOW_AOT:-on}" != off ] || return 0
  bin="$(command -v "$java" 2>/dev/null)" || return 0
  home="$(dirname "$(dirname "$(readlink -f "$bin")")")"
  version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)"
  feature="${version:-0}"
  [ "$feature" -ge 25 ] 2>/dev/null || return 0
  local key cache config quiet=(-Xlog:aot*=off,cds*=off)
  key="$(printf '%s|%s' "$home" "$cp" | cksum | cut -d' ' -f1)"
  cache="$dir/mqttflow-jdk$feature-$key.aot"
  config="$dir/mqttflow-jdk$feature-$key.aotconf"
  if [ -f "$cache" ] && [ "$cache" -nt "$jar" ]; then
    aot_flags=("${quiet[@]}" "-XX:AOTCache=$cache")
    return 0
  fi
  rm -f "$cache"
  if [ -s "$config" ] && [ "$config" -nt "$jar" ]; then
    echo "mqttflow: creating the JDK $feature ahead-of-time cache (once; MQTTFLOW_AOT=off skips it)..." >&2
    if "$java" "${quiet[@]}" -XX:AOTMode=create "-XX:AOTConfiguration=$config" "-XX:AOTCache=$cache.tmp.$$" \
      -cp "$cp" >"$dir/mqttflow-aot.log" 2>&1 && mv -f "$cache.tmp.$$" "$cache"; then
      rm -f "$config"
      aot_flags=("${quiet[@]}" "-XX:AOTCache=$cache")
    else
      rm -f "$cache.tmp.$$" "$config"
      echo "mqttflow: the ahead-of-time cache could not be created (see $dir/mqttflow-aot.log)" >&2
    fi
    return 0
  fi
  # Only a long-lived `run` is worth recording: it loads what a consumer needs.
  if [ "$command" = run ] && mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
    rm -f "$config"
    if [ -f "$config.seen" ] && [ "$config.seen" -nt "$jar" ]; then
      rm -f "$config.seen"
      aot_flags=("${quiet[@]}" -XX:AOTMode=record "-XX:AOTConfiguration=$config")
    else
      touch "$config.seen"
    fi
  fi
}
