#!/usr/bin/env python3
"""Measures the Secrets list at scale against a running server (stdlib only).

Usage: bench/list_secrets.py [base_url] [count]
Signs in as the demo admin, creates `count` secrets in acme (skipped if already there),
then times the list server function and the rendered list page on loopback.
"""
import http.cookiejar
import statistics
import sys
import time
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def post(path, fields):
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(BASE + path, data=data, method="POST")
    with opener.open(req) as res:
        return res.read()


def get(path):
    req = urllib.request.Request(BASE + path, headers={"Accept": "text/html"})
    with opener.open(req) as res:
        return res.read()


def timed(label, fn, runs=200):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(f"{label:<44} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   ({runs} runs)")


post("/api/auth/login", {"email": "admin@acme.test", "password": "admin-demo-password"})
existing = int(post("/api/secrets/list", {"ws": "acme", "q": "bench_"}).split(b'"total":')[1].split(b",")[0])
start = time.perf_counter()
for i in range(existing, COUNT):
    post("/api/secrets/create", {
        "ws": "acme", "name": f"bench_{i:05}", "description": f"benchmark secret number {i}",
        "kind": "pairs" if i % 3 == 0 else "single", "value": "v" * 40,
        "pairs[0][key]": "client_id", "pairs[0][value]": "x" * 20,
        "pairs[1][key]": "client_secret", "pairs[1][value]": "y" * 40,
    })
if COUNT > existing:
    took = time.perf_counter() - start
    print(f"created {COUNT - existing} secrets in {took:.1f} s ({(COUNT - existing) / took:.0f}/s, sequential)")

timed("list, first page (server fn)", lambda: post("/api/secrets/list", {"ws": "acme"}))
timed("list, page 300 (server fn)", lambda: post("/api/secrets/list", {"ws": "acme", "page": "300"}))
timed("search 'number 77' (server fn, full scan)", lambda: post("/api/secrets/list", {"ws": "acme", "q": "number 77"}))
timed("search 'client_secret' (server fn)", lambda: post("/api/secrets/list", {"ws": "acme", "q": "client_secret"}))
timed("list page, server-rendered HTML", lambda: get("/w/acme/secrets"))
