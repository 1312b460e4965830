#!/usr/bin/env python3
"""Scale benchmark: seeds a vault with 10,000 secrets, 200 agents and 10 million audit events,
then times the pages an admin opens (audit log with and without filters, secrets list, grant
matrix) and an audit export with the server's peak memory. Standard library only.

Usage: bench/scale.py --db DATA_DIR/vault.db --url http://127.0.0.1:PORT --pid SERVER_PID
       [--events 10000000] [--samples 100]
Run it through bench/scale.sh, which starts a release server on a fresh SQLite vault.
"""
import argparse
import http.cookiejar
import sqlite3
import statistics
import time
import urllib.parse
import urllib.request


def seed(db, events):
    con = sqlite3.connect(db, timeout=60)
    cur = con.cursor()
    ws, = cur.execute("SELECT id FROM workspaces WHERE slug = 'acme'").fetchone()
    now = int(time.time())
    t0 = time.time()
    cur.execute(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 200) "
        "INSERT INTO agents (workspace_id, name, created_at, updated_at) "
        "SELECT ?, printf('agent-%03d', i), ?, ? FROM seq",
        (ws, now, now))
    # 10,000 secrets, each with one version copied from the benchmark's own secret (the pages
    # measured here never decrypt, so one ciphertext serves them all).
    key_id, sealed = cur.execute(
        "SELECT v.key_id, v.sealed FROM secret_versions v JOIN secrets s ON s.id = v.secret_id "
        "WHERE s.name = 'bench_seed'").fetchone()
    cur.execute(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 10000) "
        "INSERT INTO secrets (workspace_id, name, description, kind, current_version, updated_by, "
        "created_at, updated_at, rotation_days) "
        "SELECT ?, printf('secret_%05d', i), 'benchmark secret ' || i, 'single', 1, 'bench', "
        "? - i * 60, ? - i * 60, CASE WHEN i % 3 = 0 THEN 90 END FROM seq",
        (ws, now, now))
    cur.execute(
        "INSERT INTO secret_versions (secret_id, version, key_id, sealed, kind, created_by, "
        "created_at, updated_at) SELECT id, 1, ?, ?, 'single', 'bench', created_at, created_at "
        "FROM secrets WHERE name LIKE 'secret\\_%' ESCAPE '\\'", (key_id, sealed))
    # Each agent may read 50 secrets.
    cur.execute(
        "INSERT INTO secret_grants (secret_id, agent_id, created_at, updated_at) "
        "SELECT s.id, a.id, ?, ? FROM agents a JOIN secrets s ON s.workspace_id = a.workspace_id "
        "WHERE a.name LIKE 'agent-%' AND s.name LIKE 'secret\\_%' ESCAPE '\\' "
        "AND (s.id + a.id) % 200 = 0", (now, now))
    con.commit()
    print(f"seeded 200 agents, 10,000 secrets, grants in {time.time() - t0:.1f}s", flush=True)
    t0 = time.time()
    # Runtime reads over the last 60 days, with a refusal in every 50.
    batch = 1_000_000
    for start in range(0, events, batch):
        n = min(batch, events - start)
        cur.execute(
            "WITH RECURSIVE seq(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM seq WHERE i < ?) "
            "INSERT INTO audit_events (workspace_id, actor, action, secret_name, detail, agent_id, "
            "agent_name, token_prefix, outcome, created_at, updated_at) "
            "SELECT ?, 'agent agent-' || printf('%03d', i % 200 + 1), "
            "CASE WHEN i % 50 = 0 THEN 'secret.read_denied' ELSE 'secret.read' END, "
            "printf('secret_%05d', i % 10000 + 1), 'version 1', NULL, "
            "printf('agent-%03d', i % 200 + 1), 'svt_bench', "
            "CASE WHEN i % 50 = 0 THEN 'missing_access' ELSE 'ok' END, "
            "? - (? - i) * 5184000 / ?, ? - (? - i) * 5184000 / ? FROM seq",
            (start + 1, start + n, ws, now, events, events, now, events, events))
        con.commit()
        print(f"  {start + n:,} events ({time.time() - t0:.0f}s)", flush=True)
    cur.execute("ANALYZE")
    con.commit()
    con.close()


class Admin:
    def __init__(self, url):
        self.url = url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.call("auth/login", {"email": "admin@acme.test", "password": "admin-demo-password"})

    def call(self, fn, form):
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(f"{self.url}/api/{fn}", data) as res:
            return res.read()

    def get(self, path):
        with self.opener.open(f"{self.url}{path}") as res:
            n = 0
            while chunk := res.read(1 << 16):
                n += len(chunk)
            return n


def timed(samples, f):
    f()  # warm
    ms = []
    for _ in range(samples):
        t = time.perf_counter()
        f()
        ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]


def status_kb(pid, field):
    """A memory figure of a process from /proc (VmRSS: now, VmHWM: its peak), in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--pid", required=True, type=int)
    p.add_argument("--events", type=int, default=10_000_000)
    p.add_argument("--samples", type=int, default=100)
    a = p.parse_args()
    admin = Admin(a.url)
    admin.call("secrets/create", {"ws": "acme", "name": "bench_seed", "kind": "single",
                                  "value": "benchmark value"})
    seed(a.db, a.events)
    admin = Admin(a.url)  # sign in again: the seeding may have outlived nothing, but be sure
    none = {"filter[secret]": ""}  # the filter argument is required, its fields are not
    # Deep pages by position ("older than this event"), as the page's Older link asks:
    # 5,000 events deep (page 100) and 500,000 deep (page 10,000).
    deep = {}
    with sqlite3.connect(a.db) as db:
        for depth in (5_000, 500_000):
            row = db.execute("SELECT created_at, id FROM audit_events WHERE workspace_id = "
                             "(SELECT id FROM workspaces WHERE slug = 'acme') "
                             "ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?", (depth,)).fetchone()
            deep[depth] = f"{row[0]}.{row[1]}" if row else ""
    cases = [
        ("audit page, no filter", "secrets/audit", {"ws": "acme", **none}),
        ("audit page, no filter, 5,000 deep (page 100)", "secrets/audit",
         {"ws": "acme", "before": deep[5_000], **none}),
        ("audit page, no filter, 500,000 deep (page 10,000)", "secrets/audit",
         {"ws": "acme", "before": deep[500_000], **none}),
        ("audit page, agent filter", "secrets/audit", {"ws": "acme", "filter[agent]": "agent-017"}),
        ("audit page, secret filter", "secrets/audit", {"ws": "acme", "filter[secret]": "secret_04242"}),
        ("audit page, action filter (2% of events)", "secrets/audit",
         {"ws": "acme", "filter[action]": "secret.read_denied"}),
        ("audit page, one day", "secrets/audit", {"ws": "acme", "filter[from]": time.strftime(
            "%Y-%m-%d", time.gmtime(time.time() - 30 * 86400)), "filter[to]": time.strftime(
            "%Y-%m-%d", time.gmtime(time.time() - 30 * 86400))}),
        ("audit page, actor search", "secrets/audit", {"ws": "acme", "filter[actor]": "agent-1"}),
        ("secrets list", "secrets/list", {"ws": "acme"}),
        ("secrets list, page 200", "secrets/list", {"ws": "acme", "page": "200"}),
        ("secrets list, search", "secrets/list", {"ws": "acme", "q": "secret_077"}),
        ("grant matrix (200 agents x 10,000 secrets, paged)", "secrets/matrix", {"ws": "acme"}),
        ("grant matrix, page 50", "secrets/matrix", {"ws": "acme", "page": "50", "apage": "3"}),
    ]
    # The overview's activity chart: the first call counts 29 closed days from the indexes
    # and keeps them; later calls read those and count today.
    t = time.perf_counter()
    admin.call("secrets/overview", {"ws": "acme"})
    print(f"\noverview, first call (counts and keeps 29 days): {(time.perf_counter() - t) * 1000:.0f} ms")
    cases.append(("overview with its activity chart", "secrets/overview", {"ws": "acme"}))
    cases.append(("a secret's page with its chart", "secrets/detail", {"ws": "acme", "name": "secret_04242"}))
    cases.append(("an agent's page with its chart", "agents/tokens", {"ws": "acme", "agent": "agent-017"}))
    print(f"\n{'page':55} {'p50 ms':>8} {'p99 ms':>8}")
    for name, fn, form in cases:
        p50, p99 = timed(a.samples, lambda: admin.call(fn, form))
        print(f"{name:55} {p50:8.1f} {p99:8.1f}", flush=True)
    # The export: time and the server's memory while it runs (10 runs of the longest export).
    before = status_kb(a.pid, 'VmRSS')
    t = time.perf_counter()
    size = admin.get("/export/acme/audit?format=csv")
    secs = time.perf_counter() - t
    size_json = admin.get("/export/acme/audit?format=json")
    print(f"\nexport: {size / 1e6:.1f} MB CSV in {secs:.2f}s, {size_json / 1e6:.1f} MB JSON; "
          f"server RSS before {before / 1024:.0f} MiB, after {status_kb(a.pid, 'VmRSS') / 1024:.0f} MiB, "
          f"peak over the whole run {status_kb(a.pid, 'VmHWM') / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
