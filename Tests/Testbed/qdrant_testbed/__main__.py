"""Entry point: `python -m qdrant_testbed --port 6333 --storage DIR [--peers N] ...`."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .faults import Faults
from .server import make_server
from .store import Cluster


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="qdrant_testbed", description="Qdrant REST test double on Qdrant Edge")
    ap.add_argument("--port", type=int, default=6333, help="HTTP port of the first node (0 = any free port)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--storage", required=True, help="storage directory (collections, snapshots, tmp)")
    ap.add_argument("--peers", type=int, default=1, help="number of nodes; ports are --port, --port+1, ...")
    ap.add_argument("--version", default="1.19.0", help="Qdrant version to report")
    ap.add_argument("--api-key")
    ap.add_argument("--read-only-api-key")
    ap.add_argument("--disk-size", type=int, help="filesystem size in bytes reported by /telemetry")
    ap.add_argument("--disk-usage-percent", type=int, help="disk usage reported by /quotas")
    ap.add_argument("--ram-size", type=int, help="RAM size in bytes reported by /telemetry")
    ap.add_argument("--faults", help="initial fault configuration (JSON, see README)")
    ap.add_argument("--exit-on-stdin-eof", action="store_true",
                    help="stop when stdin reaches end of file (the harness uses it so no process outlives its test run)")
    args = ap.parse_args(argv)
    if args.peers < 1:
        ap.error("--peers must be at least 1")
    faults = Faults()
    if args.faults:
        try:
            faults.set(json.loads(args.faults))
        except ValueError as e:
            ap.error(f"--faults: {e}")
    cluster = Cluster(args.storage, args.peers, args.version, api_key=args.api_key,
                      read_only_api_key=args.read_only_api_key, disk_size=args.disk_size,
                      disk_usage_percent=args.disk_usage_percent, ram_size=args.ram_size, faults=faults)
    servers = []
    try:
        for i, peer in enumerate(cluster.peers):
            servers.append(make_server(cluster, peer, args.port + i if args.port else 0, args.host))
    except OSError as e:
        print(f"qdrant_testbed: cannot listen: {e}", file=sys.stderr)
        for s in servers:
            s.server_close()
        cluster.close()
        return 1
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    print("READY " + ",".join(f"http://{args.host}:{s.server_address[1]}" for s in servers), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.exit_on_stdin_eof:
        def watch_stdin():
            while sys.stdin.buffer.read(65536):
                pass
            stop.set()
        threading.Thread(target=watch_stdin, daemon=True).start()
    while not stop.wait(0.5):
        pass
    faults.clear()  # releases hanging snapshot creations
    for s in servers:
        s.shutdown()
        s.server_close()
    cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
