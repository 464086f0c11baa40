#!/usr/bin/env bash
# Import time and peak memory (max RSS) for lists of growing size: memory must stay flat,
# since import streams the file. Usage: bench/import-memory.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
netral=$build/host/netral
work=$(mktemp -d /tmp/netral-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/config/keys"
"$netral" keygen -W -p "$work/config/keys/bench.pub" -s "$work/bench.key" >/dev/null
printf '%10s %12s %10s %12s\n' entries bytes seconds max_rss_kib
for n in 1000 10000 100000 500000; do
  node "$here/make-list.mjs" "$n" > "$work/list.jsonl"
  "$netral" sign -W -s "$work/bench.key" -m "$work/list.jsonl" >/dev/null
  rm -rf "$work/data"
  NETRAL_CONFIG_DIR=$work/config NETRAL_DATA_DIR=$work/data \
    /usr/bin/time -f '%e %M' -o "$work/time" "$netral" import "$work/list.jsonl" >/dev/null
  read -r secs rss < "$work/time"
  printf '%10d %12d %10s %12s\n' "$n" "$(stat -c %s "$work/list.jsonl")" "$secs" "$rss"
done
