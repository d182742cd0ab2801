# Sourced by bin/gloo-ratelimiter and bin/bench-ratelimit (after bin/_common.sh): the module's build.
RL_JAR_GLOB="$ROOT/ratelimit/target/ratelimit-*.jar"
RL_LIB="$ROOT/ratelimit/target/lib"

# Builds the module (and the modules it needs) when its jar is missing or older than a source.
ensure_ratelimit_built() {
  local jar
  jar=$(ls $RL_JAR_GLOB 2>/dev/null | head -n 1 || true)
  if [[ -n "$jar" && -d "$RL_LIB" ]]; then
    if [[ -z $(find "$ROOT/ratelimit" "$ROOT/api" "$ROOT/cluster-config" -name target -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' -type f \) -newer "$jar" -print -quit) ]]; then
      return 0
    fi
  fi
  echo "building ratelimit (mvn package -DskipTests -pl ratelimit -am)..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package -pl ratelimit -am) >&2
}

ratelimit_classpath() {
  local jar
  jar=$(ls $RL_JAR_GLOB | head -n 1)
  echo "$jar:$RL_LIB/*"
}
