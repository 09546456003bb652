#!/usr/bin/env bash
# Compiles src/main/bpf/*.bpf.c (CO-RE) into OUT_DIR/*.bpf.o, embedded in the tapio-bpf jar.
# vmlinux.h is generated from this machine's kernel BTF; CO-RE relocates at load time, so the
# objects run on other BTF kernels too. Needs clang (16 or 19) and bpftool; ./tapio installs
# them (Debian: clang-16 bpftool libbpf-dev) when run as root.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)/src/main/bpf
out=${1:?usage: build-programs.sh OUT_DIR GEN_DIR}
gen=${2:?usage: build-programs.sh OUT_DIR GEN_DIR}
mkdir -p "$out" "$gen"

clang=""
for c in clang-19 clang-16 clang; do
  if command -v "$c" >/dev/null; then clang=$c; break; fi
done
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
missing=()
[ -n "$clang" ] || missing+=(clang-16)
[ -x "$bpftool" ] || missing+=(bpftool)
[ -f /usr/include/bpf/bpf_helpers.h ] || missing+=(libbpf-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "tapio-bpf: cannot build the eBPF programs: missing ${missing[*]}" >&2
  echo "  install them with: apt-get install ${missing[*]}   (./tapio does this when run as root)" >&2
  exit 1
fi
if [ ! -r /sys/kernel/btf/vmlinux ]; then
  echo "tapio-bpf: /sys/kernel/btf/vmlinux is missing: this kernel has no BTF, which CO-RE needs" >&2
  exit 1
fi
if [ ! -s "$gen/vmlinux.h" ] || [ /sys/kernel/btf/vmlinux -nt "$gen/vmlinux.h" ]; then
  "$bpftool" btf dump file /sys/kernel/btf/vmlinux format c > "$gen/vmlinux.h.tmp"
  mv "$gen/vmlinux.h.tmp" "$gen/vmlinux.h"
fi
arch=$(uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
for f in "$src"/*.bpf.c; do
  o="$out/$(basename "${f%.c}").o"
  # A header changed since the object was built (none to compare with: build it).
  newer_header=""
  if [ -f "$o" ]; then
    newer_header=$(find "$src" -name "*.h" -newer "$o" -print -quit)
  fi
  if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$newer_header" ]; then
    "$clang" -g -O2 -target bpf -D__TARGET_ARCH_"$arch" -I"$gen" -I"$src" \
      -I/usr/include/"$(uname -m)"-linux-gnu -c "$f" -o "$o"
  fi
done
