#!/usr/bin/env bash
# A chaos run of the live store, bounded in time and on loopback only: `kvtier chaos` starts a master and two stores
# as real processes (fixed free ports, so that a killed one restarts where its peers expect it), two clients that
# keep overwriting and reading back values whose every byte is checked, and for --duration injects random faults
# (kill -9 of a store then its restart, kill -9 of the master then its restart, half-sent RPC frames, garbage on a
# data port, a slow metadata body). It prints operations, errors by cause, wrong bytes, misses and each kind of
# fault's recovery times, and exits 1 if a byte read was wrong, a fault never recovered or a client hung.
#   bench/chaos.sh [FLAGS]   flags of kvtier chaos, e.g. --duration 5m --seed 1 (defaults 3m, 1)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$here/kvtier" chaos "$@"
