#!/usr/bin/env python3
"""Import-vs-reads benchmark: how long runtime reads wait while an admin runs a maximal bulk
import. An agent token (billing-worker, granted stripe_api_key by the demo showcase) reads its
secret sequentially on one keep-alive connection: first alone (the baseline), then in a thread
of its own while the demo admin imports `--entries` new secrets in one request (the import is
written in transactions of 10 entries, so reads can commit their audit events between them).
Standard library only.

Usage: bench/import_reads.py --url http://127.0.0.1:PORT [--entries 1000] [--reads 2000]
       [--agent billing-worker] [--secret stripe_api_key] [--prefix bulk]
Run it through bench/import_reads.sh, which starts a release server on a fresh SQLite vault.
"""
import argparse
import http.client
import http.cookiejar
import json
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

# Reads keep going this long after the import has answered (and start this long before it).
TAIL_SECONDS = 0.5


class Admin:
    """The demo admin's session: server functions are form POSTs under /api/."""

    def __init__(self, url):
        self.url = url
        parts = urllib.parse.urlsplit(url)
        # State-changing requests must name one of the server's own origins (server/src/security.rs).
        self.origin = f"{parts.scheme}://{parts.netloc}"
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.call("auth/login", {"email": "admin@acme.test", "password": "admin-demo-password"})

    def call(self, fn, form, timeout=60):
        """POSTs `form` to the server function `fn`; returns (status, body bytes)."""
        req = urllib.request.Request(
            f"{self.url}/api/{fn}", data=urllib.parse.urlencode(form).encode(), method="POST",
            headers={"Origin": self.origin, "Accept": "application/json"})
        try:
            with self.opener.open(req, timeout=timeout) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as e:
            body = e.read()
            sys.exit(f"POST /api/{fn} answered {e.code}: {body[:500].decode(errors='replace')}")


class Reader:
    """Runtime reads of one secret with one agent token, on one keep-alive connection."""

    def __init__(self, url, token, secret):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.path = f"/v1/secrets/{urllib.parse.quote(secret)}"
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.conn = None

    def read(self):
        """One read: (start, end, status, body), times from time.perf_counter(); status 0 when
        the connection failed (it is opened again for the next read)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        start = time.perf_counter()
        try:
            self.conn.request("GET", self.path, headers=self.headers)
            res = self.conn.getresponse()
            body = res.read()
            status = res.status
            if res.will_close:
                self.close()
        except (OSError, http.client.HTTPException):
            self.close()
            status, body = 0, b""
        return start, time.perf_counter(), status, body

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def percentile(sorted_ms, q):
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * q))]


def row(label, reads, seconds):
    """A table row from reads [(start, end, status, _)] spread over `seconds`."""
    ms = sorted((end - start) * 1000 for start, end, _, _ in reads)
    failed = sum(1 for _, _, status, _ in reads if status != 200)
    rate = len(reads) / seconds if seconds > 0 else float("nan")
    median = percentile(ms, 0.5)
    return (f"{label:28} {len(reads):>7} {failed:>7} {rate:>9.0f} {median:>8.2f} "
            f"{percentile(ms, 0.99):>8.2f} {(ms[-1] if ms else float('nan')):>8.2f}")


def import_text(entries, prefix):
    """`entries` .env lines of about 40 bytes: bulk_00001=value-00001-<16 hex digits>."""
    return "".join(f"{prefix}_{i:05d}=value-{i:05d}-{secrets.token_hex(8)}\n"
                   for i in range(1, entries + 1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--entries", type=int, default=1000,
                   help="entries in the import (the server's cap, import_max_entries, is 1000 by default)")
    p.add_argument("--reads", type=int, default=2000, help="baseline reads")
    p.add_argument("--agent", default="billing-worker")
    p.add_argument("--secret", default="stripe_api_key", help="a secret granted to --agent")
    p.add_argument("--prefix", default="bulk", help="names of the imported secrets: PREFIX_00001...")
    a = p.parse_args()

    admin = Admin(a.url)
    _, body = admin.call("agents/issue_token", {"ws": "acme", "agent": a.agent})
    token = json.loads(body)["token"]

    # Baseline: sequential reads, nothing else going on.
    reader = Reader(a.url, token, a.secret)
    for _ in range(20):  # warm: connection, caches
        _, _, status, body = reader.read()
        if status != 200:
            sys.exit(f"GET /v1/secrets/{a.secret} answered {status}: {body[:300].decode(errors='replace')}")
    t = time.perf_counter()
    baseline = [reader.read() for _ in range(a.reads)]
    baseline_secs = time.perf_counter() - t
    reader.close()

    # During the import: a thread reads in a loop while this one posts the import.
    text = import_text(a.entries, a.prefix)
    form = {"ws": "acme", "text": text, "confirm": "true"}
    reads = []
    stop = threading.Event()
    loop_reader = Reader(a.url, token, a.secret)
    loop_reader.read()  # connect before the clock starts

    def loop():
        while not stop.is_set():
            reads.append(loop_reader.read())

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    time.sleep(TAIL_SECONDS)
    import_start = time.perf_counter()
    status, body = admin.call("secrets/import", form, timeout=600)
    import_end = time.perf_counter()
    time.sleep(TAIL_SECONDS)
    stop.set()
    thread.join()
    loop_reader.close()

    import_secs = import_end - import_start
    if status != 200:
        sys.exit(f"the import answered {status}: {body[:500].decode(errors='replace')}")
    plan = json.loads(body)
    if plan.get("new") != a.entries:
        sys.exit(f"the import answered new={plan.get('new')}, replaced={plan.get('replaced')}, "
                 f"skipped={plan.get('skipped')}, invalid={plan.get('invalid')}; "
                 f"expected {a.entries} new (run on a fresh vault, or pick another --prefix)")
    # Reads whose interval overlaps the import's window.
    during = [r for r in reads if r[0] < import_end and r[1] > import_start]
    outside = [r for r in reads if not (r[0] < import_end and r[1] > import_start)]

    print(f"import: {a.entries} entries ({len(text) / 1024:.0f} KiB, {plan['new']} new) "
          f"in {import_secs:.3f}s ({a.entries / import_secs:.0f} entries/s)")
    print(f"\n{'runtime reads':28} {'reads':>7} {'non-200':>7} {'reads/s':>9} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8}")
    print(row("baseline (alone)", baseline, baseline_secs))
    print(row("during the import", during, import_secs))
    print(row(f"around it ({TAIL_SECONDS}s each side)", outside, 2 * TAIL_SECONDS))


if __name__ == "__main__":
    main()
