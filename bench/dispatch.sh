#!/bin/bash
# dispatch.sh — throughput of raudit daemon's plugin dispatcher, without the kernel.
#
# Usage:  bench/dispatch.sh [RECORDS]      (default 500000)
#
# Needs root (plugin config files and programs must be root-owned, as auditd
# requires). Builds and runs crates/raudit-daemon/examples/dispatch_bench.rs:
# RECORDS synthetic SYSCALL records (~420 bytes) go through the dispatcher to
# three plugins — `cat > /dev/null` in string format, the same in binary format
# (3.0.9's 8986-byte frames), and a stalled program that never reads (its queue
# overflows; the others must not notice). Prints the cost per record on the
# daemon's event thread, the time until both reading plugins had every record,
# and each plugin's state-report line.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
cargo build --release -q -p raudit-daemon --example dispatch_bench
T=${CARGO_TARGET_DIR:-$REPO/target}
"$T/release/examples/dispatch_bench" "${1:-500000}"
