#!/usr/bin/env bash
# The eBPF ring buffer benchmarks (benchmarks/README.md, "eBPF ring buffer"): builds tapio-bpf
# (which compiles bench.bpf.c), the benchmarks jar and the C libbpf reference consumer, then runs
# EbpfRingBench: Java vs C throughput side by side, then latency and drops at 10k/100k/1M per s.
# Needs root (loads eBPF), clang + bpftool + libbpf-dev (for the programs), gcc.
# Extra arguments go to EbpfRingBench, e.g. --count 5000000 --rounds 5 --only throughput.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
MVN_FLAGS=${MVN_FLAGS:--o -q}   # offline by default; MVN_FLAGS=-q to let Maven download
if [ "$(id -u)" != 0 ]; then
  echo "ebpf-bench.sh: needs root to load eBPF programs" >&2
  exit 2
fi
# One module at a time: tapio-bpf (bench.bpf.o goes into its jar), then the benchmarks jar.
mvn $MVN_FLAGS install -pl bpf -DskipTests
mvn $MVN_FLAGS package -pl benchmarks -DskipTests
gcc -O2 -Wall -o benchmarks/target/ringbuf_consumer benchmarks/src/main/c/ringbuf_consumer.c -lbpf
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xms256m -Xmx256m --enable-native-access=ALL-UNNAMED \
  -cp benchmarks/target/benchmarks.jar dev.tapio.benchmarks.EbpfRingBench \
  --c-consumer benchmarks/target/ringbuf_consumer "$@"
