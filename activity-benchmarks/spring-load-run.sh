#!/usr/bin/env bash
# Load run of the filter in a Spring Boot application: two instances of examples/spring-boot-demo
# (Spring Security form login, embedded PostgreSQL each), one with the ActivityFilter and one
# with activity.filter.enabled=false, loaded in turn by FilterLoadRun (wrk) on GET /orders/7 as a
# signed-in user. Everything shares this machine's cores. Needs wrk (Debian: apt-get install wrk).
# Usage, from the repository root: bash activity-benchmarks/spring-load-run.sh [rounds] [seconds] [warmup]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-5}"
SECONDS_PER_RUN="${2:-10}"
WARMUP_SECONDS="${3:-40}"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# A relative outputFile is per module: examples/spring-boot-demo/target/classpath.txt is the demo's.
./mvnw -B -ntp -q -pl examples/spring-boot-demo,activity-benchmarks -am package dependency:build-classpath \
    -DskipTests -Dmdep.outputFile=target/classpath.txt
DEMO_CP="examples/spring-boot-demo/target/classes:$(cat examples/spring-boot-demo/target/classpath.txt)"

start_demo() { # port, extra arguments
    local port="$1"; shift
    java -Xms512m -Xmx512m -cp "$DEMO_CP" io.activitytrail.examples.spring.SpringBootDemo \
        --server.port="$port" --logging.level.root=WARN "$@" > "$WORK/demo-$port.log" 2>&1 &
}
start_demo 18081
start_demo 18082 --activity.filter.enabled=false
for port in 18081 18082; do
    for _ in $(seq 1 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/login" && break
        sleep 1
    done
done

sign_in() { # port -> the JSESSIONID of alice's session
    local port="$1" jar="$WORK/cookies-$1"
    local csrf
    csrf="$(curl -fs -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="_csrf"[^>]*value="\([^"]*\)".*/\1/p' | head -1)"
    curl -fs -o /dev/null -b "$jar" -c "$jar" --data-urlencode "username=alice" --data-urlencode "password=alice" \
        --data-urlencode "_csrf=$csrf" "http://127.0.0.1:$port/login"
    echo "JSESSIONID=$(awk '$6 == "JSESSIONID" {print $7}' "$jar" | tail -1)"
}
ON="http://127.0.0.1:18081/orders/7"
OFF="http://127.0.0.1:18082/orders/7"
COOKIE_ON="$(sign_in 18081)"
COOKIE_OFF="$(sign_in 18082)"
curl -fs -o /dev/null -H "Cookie: $COOKIE_ON" "$ON" && curl -fs -o /dev/null -H "Cookie: $COOKIE_OFF" "$OFF" \
    || { echo "cannot reach the demo as a signed-in user"; exit 1; }

java -Drounds="$ROUNDS" -Dseconds="$SECONDS_PER_RUN" -Dwarmup="$WARMUP_SECONDS" "-Dcookie.$ON=$COOKIE_ON" "-Dcookie.$OFF=$COOKIE_OFF" \
    -cp activity-benchmarks/target/benchmarks.jar io.activitytrail.benchmarks.load.FilterLoadRun urls "$ON" "$OFF"
