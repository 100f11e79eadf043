"""`python -m cloud_api_double --port 0 --account ACCOUNT --cluster CLUSTER --management-key KEY=PERMS …`."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .rpcs import ALL_PERMISSIONS
from .server import make_server
from .store import Account, Cluster, Key, Store
from .validation import UUID


def parse_key(text: str, default_account: str | None, ap) -> tuple[str, Key]:
    """`KEY=perm1,perm2` (or `*` for every BackupService permission, or empty for none); `KEY@ACCOUNT=…` for
    another account than the first."""
    secret, sep, perms = text.partition("=")
    if not sep or not secret:
        ap.error("--management-key takes KEY=PERMISSION[,PERMISSION…] (or KEY=* for all)")
    account = default_account
    if "@" in secret:
        secret, account = secret.rsplit("@", 1)
    if account is None:
        ap.error("--management-key needs an --account first (or KEY@ACCOUNT=…)")
    permissions = ALL_PERMISSIONS if perms.strip() == "*" else [p.strip() for p in perms.split(",") if p.strip()]
    return secret, Key(account_id=account, permissions=frozenset(permissions))


def load(args, ap) -> Store:
    accounts: dict[str, Account] = {}
    keys: dict[str, Key] = {}
    if args.config:
        with open(args.config) as f:
            config = json.load(f)
        for a in config.get("accounts", []):
            account = accounts.setdefault(a["id"], Account(a["id"]))
            for c in a.get("clusters", []):
                account.clusters[c["id"]] = Cluster(
                    id=c["id"], name=c.get("name", "qsnap-test"),
                    cloud_provider_id=c.get("cloudProviderId", "aws"),
                    cloud_provider_region_id=c.get("cloudProviderRegionId", "eu-central-1"),
                    number_of_nodes=c.get("numberOfNodes", 3), version=c.get("version", "v1.16.3"))
            for k in a.get("keys", []):
                perms = k.get("permissions", [])
                keys[k["key"]] = Key(a["id"], frozenset(ALL_PERMISSIONS if perms == "*" else perms))
        args.backup_seconds = config.get("backupSeconds", args.backup_seconds)
        args.restore_seconds = config.get("restoreSeconds", args.restore_seconds)
    for a in args.account:
        accounts.setdefault(a, Account(a))
    first = args.account[0] if args.account else (next(iter(accounts)) if accounts else None)
    for c in args.cluster:
        account, _, cluster = c.rpartition("/")
        account = account or first
        if account not in accounts:
            ap.error(f"--cluster {c}: no such account (give --account first)")
        accounts[account].clusters[cluster] = Cluster(id=cluster)
    for k in args.management_key:
        secret, key = parse_key(k, first, ap)
        keys[secret] = key
    for a in accounts.values():
        for ident in [a.id, *a.clusters]:
            if not UUID.match(ident):
                ap.error(f"{ident}: account and cluster ids are UUIDs")
    return Store(list(accounts.values()), keys, backup_seconds=args.backup_seconds,
                 restore_seconds=args.restore_seconds)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="cloud_api_double",
                                 description="Qdrant Cloud management API (BackupService REST gateway) test double")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 = any free port")
    ap.add_argument("--account", action="append", default=[], help="an account id (UUID); repeatable")
    ap.add_argument("--cluster", action="append", default=[],
                    help="a cluster id (UUID) of the first account, or ACCOUNT/CLUSTER; repeatable")
    ap.add_argument("--management-key", action="append", default=[], metavar="KEY=PERMS",
                    help="a management key and its permissions (comma-separated; * = all) on the first account, "
                         "or KEY@ACCOUNT=PERMS; repeatable")
    ap.add_argument("--config", help="JSON: {accounts: [{id, clusters: [{id, name, …}], keys: [{key, permissions}]}], "
                                     "backupSeconds, restoreSeconds}")
    ap.add_argument("--backup-seconds", type=float, default=1.0, help="how long a new backup stays RUNNING")
    ap.add_argument("--restore-seconds", type=float, default=1.0, help="how long a restore stays RUNNING")
    ap.add_argument("--tls-cert", help="PEM certificate chain: serve HTTPS (the real API is https only)")
    ap.add_argument("--tls-key", help="PEM private key of --tls-cert")
    ap.add_argument("--url-file", help="also write the base URL into this file")
    ap.add_argument("--verbose", action="store_true", help="one stderr line per request (never a key)")
    ap.add_argument("--exit-on-stdin-eof", action="store_true", help="stop when stdin closes")
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    store = load(args, ap)
    try:
        server = make_server(store, args.host, args.port, verbose=args.verbose)
    except OSError as e:
        print(f"cloud_api_double: cannot listen: {e}", file=sys.stderr)
        return 1
    scheme = "http"
    if args.tls_cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    url = f"{scheme}://{args.host}:{server.server_address[1]}"
    if args.url_file:
        with open(args.url_file, "w") as f:
            f.write(url + "\n")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("READY " + url, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.exit_on_stdin_eof:
        def watch():
            sys.stdin.read()
            stop.set()
        threading.Thread(target=watch, daemon=True).start()
    stop.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
