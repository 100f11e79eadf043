"""Entry point: `python -m qdrant_testbed --port 6333 --storage DIR [--peers N] ...`."""
from __future__ import annotations

import argparse
import json
import os
import re
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
    ap.add_argument("--api-key", help="full-access key (service.api_key); with --jwt-rbac also the HS256 secret")
    ap.add_argument("--alt-api-key", help="second full-access key (service.alt_api_key, for rotation)")
    ap.add_argument("--read-only-api-key", help="global read-only key (service.read_only_api_key)")
    ap.add_argument("--jwt-rbac", action="store_true",
                    help="accept JWTs signed (HS256) with --api-key/--alt-api-key (service.jwt_rbac)")
    ap.add_argument("--tls-cert", help="PEM certificate chain: serve HTTPS (service.enable_tls, tls.cert)")
    ap.add_argument("--tls-key", help="PEM private key of --tls-cert (tls.key)")
    ap.add_argument("--tls-generate", metavar="DIR",
                    help="make a throw-away CA, server and client certificates in DIR (ca.pem, cert.pem, key.pem, "
                         "client-cert.pem, client-key.pem; the server one names localhost, 127.0.0.1 and, with "
                         "--cloud, the front door's names) and serve HTTPS with them")
    ap.add_argument("--tls-client-ca", help="require client certificates chaining to this CA: mutual TLS "
                                            "(service.verify_https_client_certificate, tls.ca_cert)")
    ap.add_argument("--cloud", metavar="CLUSTER_ID",
                    help="Qdrant Cloud mode: nodes internal (loopback, plain HTTP), one TLS front door on --port "
                         "routing <cluster>.localhost (any node) and node-<n>-<cluster>.localhost (node n)")
    ap.add_argument("--disk-size", type=int, help="filesystem size in bytes reported by /telemetry")
    ap.add_argument("--disk-usage-percent", type=int, help="disk usage reported by /quotas")
    ap.add_argument("--ram-size", type=int, help="RAM size in bytes reported by /telemetry")
    ap.add_argument("--faults", help="initial fault configuration (JSON, see README)")
    ap.add_argument("--snapshots-s3-bucket", metavar="NAME",
                    help="keep snapshots in this S3 bucket (storage.snapshots_config.snapshots_storage: s3); keys "
                         "from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN")
    ap.add_argument("--snapshots-s3-endpoint", metavar="URL",
                    help="S3 endpoint (s3_config.endpoint_url), path-style; goes with --snapshots-s3-bucket")
    ap.add_argument("--snapshots-s3-region", metavar="REGION", default="us-east-1",
                    help="S3 region (s3_config.region, default us-east-1)")
    ap.add_argument("--exit-on-stdin-eof", action="store_true",
                    help="stop when stdin reaches end of file (the harness uses it so no process outlives its test run)")
    args = ap.parse_args(argv)
    if args.peers < 1:
        ap.error("--peers must be at least 1")
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    if args.cloud is not None and not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", args.cloud):
        ap.error("--cloud: a cluster id is a DNS label (lower-case letters, digits, '-')")
    if args.tls_generate:  # first: the checks below see the generated files
        if args.tls_cert:
            ap.error("--tls-generate replaces --tls-cert/--tls-key")
        from .tls import make_tls_files
        files = make_tls_files(args.tls_generate, cloud=args.cloud, nodes=max(args.peers, 16))
        args.tls_cert, args.tls_key = str(files.cert), str(files.key)
    if args.tls_client_ca and not args.tls_cert:
        ap.error("--tls-client-ca needs --tls-cert/--tls-key")
    if args.jwt_rbac and not (args.api_key or args.alt_api_key):
        ap.error("--jwt-rbac needs --api-key (the HS256 secret)")
    if bool(args.snapshots_s3_bucket) != bool(args.snapshots_s3_endpoint):
        ap.error("--snapshots-s3-bucket and --snapshots-s3-endpoint go together")
    if args.cloud is not None:
        if not args.tls_cert:
            ap.error("--cloud needs --tls-cert/--tls-key (Qdrant Cloud is reached over TLS only)")
    ssl_context = outgoing = None
    if args.tls_cert:
        from .tls import outgoing_context, server_context
        try:
            ssl_context = server_context(args.tls_cert, args.tls_key, args.tls_client_ca)
        except (OSError, ValueError) as e:
            ap.error(f"TLS files: {e}")
        outgoing = outgoing_context(args.tls_cert, args.tls_key, args.tls_client_ca)
    snapshots_s3 = None
    if args.snapshots_s3_bucket:
        snapshots_s3 = {"bucket": args.snapshots_s3_bucket, "endpoint": args.snapshots_s3_endpoint,
                        "region": args.snapshots_s3_region}
    faults = Faults()
    if args.faults:
        try:
            faults.set(json.loads(args.faults))
        except ValueError as e:
            ap.error(f"--faults: {e}")
    cluster = Cluster(args.storage, args.peers, args.version, api_key=args.api_key,
                      read_only_api_key=args.read_only_api_key, disk_size=args.disk_size,
                      disk_usage_percent=args.disk_usage_percent, ram_size=args.ram_size, faults=faults,
                      jwt_rbac=args.jwt_rbac, alt_api_key=args.alt_api_key, cloud=args.cloud,
                      outgoing_tls=outgoing, snapshots_s3=snapshots_s3)
    servers = []
    front = None
    try:
        for i, peer in enumerate(cluster.peers):
            if args.cloud:  # internal nodes: loopback, plain HTTP, any free port
                servers.append(make_server(cluster, peer, 0, "127.0.0.1"))
            else:
                servers.append(make_server(cluster, peer, args.port + i if args.port else 0, args.host,
                                           ssl_context))
        if args.cloud:
            from .frontdoor import FrontDoor, log_to_stderr
            front = FrontDoor(args.cloud, [("127.0.0.1", s.server_address[1]) for s in servers], ssl_context,
                              args.host, args.port, log=log_to_stderr if os.environ.get("QDRANT_TESTBED_LOG") else None,
                              faults=faults)
    except OSError as e:
        print(f"qdrant_testbed: cannot listen: {e}", file=sys.stderr)
        for s in servers:
            s.server_close()
        cluster.close()
        return 1
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    if front is not None:
        front.start()
        urls = [front.cluster_url()] + [front.node_url(i) for i in range(len(servers))]
        print("READY " + ",".join(urls), flush=True)
        for i, s in enumerate(servers):
            print(f"NODE {i} {front.node_url(i)} internal=http://127.0.0.1:{s.server_address[1]} "
                  f"peer_id={cluster.peers[i].peer_id}", flush=True)
    else:
        scheme = "https" if ssl_context else "http"
        print("READY " + ",".join(f"{scheme}://{args.host}:{s.server_address[1]}" for s in servers), flush=True)
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
    if front is not None:
        front.stop()
    for s in servers:
        s.shutdown()
        s.server_close()
    cluster.close()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # not sys.exit: the stdin watcher thread would abort the interpreter's shutdown
