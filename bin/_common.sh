# Shared by the bin/ scripts: where the checkout is, and how to run the built distribution.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST_JAR_GLOB="$ROOT/api-server/target/api-server-*.jar"
DIST_LIB="$ROOT/api-server/target/lib"

# Builds the distribution when it is missing or older than any main source or pom. The stamp
# is touched after each build here (the node's jar keeps its old time when only another module
# changed); without one (a Maven build made the jar) the jar's own time counts.
DIST_STAMP="$ROOT/api-server/target/dist.stamp"
ensure_built() {
  local jar ref
  jar=$(ls $DIST_JAR_GLOB 2>/dev/null | grep -v -- -tests.jar | head -n 1 || true)
  if [[ -n "$jar" && -d "$DIST_LIB" ]]; then
    ref="$DIST_STAMP"
    [[ -f "$ref" ]] || ref="$jar"
    if [[ -z $(find "$ROOT" -path "$ROOT/data" -prune -o -path '*/target' -prune -o \( -name '*.java' -path '*/src/main/*' -o -name 'pom.xml' -o -name '*.xml' -path '*/src/main/resources/*' \) -newer "$ref" -print -quit) ]]; then
      return 0
    fi
  fi
  echo "building (mvn package -DskipTests)..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  touch "$DIST_STAMP"
}

dist_classpath() {
  local jar
  jar=$(ls $DIST_JAR_GLOB | grep -v -- -tests.jar | head -n 1)
  echo "$jar:$DIST_LIB/*"
}

# On a 2-core machine the JDK's common pool has parallelism 1, and CompletableFuture then starts
# a new thread for every async completion (Ratis's client uses them): give it a real pool.
JVM_FLAGS="-Djava.util.concurrent.ForkJoinPool.common.parallelism=4"
