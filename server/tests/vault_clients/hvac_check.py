#!/usr/bin/env python3
"""Exercise a Vault-KV-v2-compatible read API with hvac (2.4.0) and assert exact results.

Env:
  VAULT_ADDR, VAULT_TOKEN  - server and token
  VAULT_EXPECT             - JSON, e.g.
    {"mount": "secret", "path": "app/config", "current_version": 2,
     "data": {"k": "v2"}, "v1_data": {"k": "v1"}, "custom_metadata": null,
     "list_path": "app", "list_keys": ["config"],
     "missing_path": "app/nope", "forbidden_path": "other/x",
     "pairs_path": "oauth", "pairs_data": {"client_id": "a", "client_secret": "b"},
     "revoked_token": "...",                                # optional: must be refused
     "mode": "flag_off",                                    # optional: expect refusals only
     "token": {"policies": ["default", "app"]},            # optional subset of lookup-self data
     "health": {"initialized": true, "sealed": false}}     # optional subset of sys/health
Exit 0 on success, 1 with a message on the first mismatch.
"""
import json
import os
import re
import sys

import hvac
import hvac.exceptions as hexc

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
ENVELOPE = ["request_id", "lease_id", "renewable", "lease_duration", "data",
            "wrap_info", "warnings", "auth", "mount_type"]


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def eq(label, got, want):
    if got != want:
        fail(f"{label}: got {got!r}, want {want!r}")


def typ(label, val, types):
    # bool is a subclass of int: reject it where an int is required
    if isinstance(val, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        fail(f"{label}: got bool {val!r}, want {types}")
    if not isinstance(val, types):
        fail(f"{label}: got {type(val).__name__} {val!r}, want {types}")


def check_envelope(label, resp):
    typ(label, resp, dict)
    missing = [k for k in ENVELOPE if k not in resp]
    if missing:
        fail(f"{label}: envelope keys missing: {missing}")
    typ(f"{label}.request_id", resp["request_id"], str)
    eq(f"{label}.lease_id", resp["lease_id"], "")
    eq(f"{label}.renewable", resp["renewable"], False)
    eq(f"{label}.lease_duration", resp["lease_duration"], 0)
    eq(f"{label}.wrap_info", resp["wrap_info"], None)
    eq(f"{label}.auth", resp["auth"], None)
    typ(f"{label}.mount_type", resp["mount_type"], str)


def expect_exc(label, exc_type, fn):
    try:
        fn()
    except exc_type:
        return
    except hexc.VaultError as e:
        fail(f"{label}: raised {type(e).__name__} ({e}), want {exc_type.__name__}")
    fail(f"{label}: no exception, want {exc_type.__name__}")


def main():
    addr, token = os.environ.get("VAULT_ADDR"), os.environ.get("VAULT_TOKEN")
    if not addr or not token:
        fail("VAULT_ADDR and VAULT_TOKEN must be set")
    try:
        exp = json.loads(os.environ["VAULT_EXPECT"])
    except (KeyError, ValueError) as e:
        fail(f"VAULT_EXPECT missing or not JSON: {e}")
    mount, path = exp.get("mount", "secret"), exp["path"]
    client = hvac.Client(url=addr, token=token)

    if exp.get("mode") == "flag_off":
        # The workspace's secrets vault is switched off: the token reads nothing at all.
        eq("is_authenticated() with the flag off", client.is_authenticated(), False)
        kv = client.secrets.kv.v2
        expect_exc("read with the flag off", hexc.Forbidden, lambda: kv.read_secret_version(
            path=path, mount_point=mount, raise_on_deleted_version=True))
        expect_exc("list with the flag off", hexc.Forbidden,
                   lambda: kv.list_secrets(path="", mount_point=mount))
        print("OK: all checks passed")
        return

    # 4. token: is_authenticated() == GET /v1/auth/token/lookup-self
    eq("is_authenticated()", client.is_authenticated(), True)
    ls = client.auth.token.lookup_self()
    check_envelope("lookup-self", ls)
    d = ls["data"]
    for k, t in [("accessor", str), ("creation_time", int), ("creation_ttl", int),
                 ("display_name", str), ("entity_id", str), ("explicit_max_ttl", int),
                 ("id", str), ("num_uses", int), ("orphan", bool), ("path", str),
                 ("policies", list), ("ttl", int), ("type", str)]:
        if k not in d:
            fail(f"lookup-self.data.{k} missing")
        typ(f"lookup-self.data.{k}", d[k], t)
    if "expire_time" not in d:
        fail("lookup-self.data.expire_time missing (must be null or string)")
    typ("lookup-self.data.expire_time", d["expire_time"], (str, type(None)))
    typ("lookup-self.data.meta", d.get("meta", "absent"), (dict, type(None)))
    for mk, mv in (d["meta"] or {}).items():
        typ(f"lookup-self.data.meta[{mk}]", mv, str)
    # Vault answers the caller's own token as `id` (Vault Agent relies on it), and only there.
    eq("lookup-self.data.id", d.get("id"), token)
    if json.dumps(ls).count(token) != 1:
        fail("lookup-self carries the token somewhere besides data.id")
    for k, v in exp.get("token", {}).items():
        eq(f"lookup-self.data.{k}", d.get(k), v)
    bad = hvac.Client(url=addr, token=token + "-not-valid")
    eq("is_authenticated() with bad token", bad.is_authenticated(), False)

    # 5. health (GET; hvac never raises here, non-200 comes back as requests.Response)
    h = client.sys.read_health_status(method="GET")
    if not isinstance(h, dict):
        fail(f"sys/health: HTTP {getattr(h, 'status_code', '?')}, want 200 + JSON")
    for k, t in [("initialized", bool), ("sealed", bool), ("standby", bool),
                 ("server_time_utc", int), ("version", str)]:
        if k not in h:
            fail(f"sys/health.{k} missing")
        typ(f"sys/health.{k}", h[k], t)
    for k, v in exp.get("health", {}).items():
        eq(f"sys/health.{k}", h.get(k), v)

    # 6. CLI preflight
    m = client.adapter.get(f"/v1/sys/internal/ui/mounts/{mount}/{path}")
    eq("ui/mounts data.path", m["data"]["path"], mount + "/")
    eq("ui/mounts data.type", m["data"]["type"], "kv")
    eq("ui/mounts data.options.version", (m["data"].get("options") or {}).get("version"), "2")

    # 1. read current and version 1
    kv = client.secrets.kv.v2
    cur = kv.read_secret_version(path=path, mount_point=mount, raise_on_deleted_version=True)
    check_envelope("read current", cur)
    eq("read current .warnings", cur["warnings"], None)
    eq("read current .data.data", cur["data"]["data"], exp["data"])
    md = cur["data"]["metadata"]
    eq("read current .metadata keys", sorted(md),
       ["created_time", "custom_metadata", "deletion_time", "destroyed", "version"])
    eq("read current .metadata.version", md["version"], exp["current_version"])
    eq("read current .metadata.deletion_time", md["deletion_time"], "")
    eq("read current .metadata.destroyed", md["destroyed"], False)
    eq("read current .metadata.custom_metadata", md["custom_metadata"], exp.get("custom_metadata"))
    if not RFC3339_UTC.match(md["created_time"]):
        fail(f"created_time {md['created_time']!r} is not RFC3339 UTC 'Z'")
    pairs = kv.read_secret_version(path=exp["pairs_path"], mount_point=mount,
                                   raise_on_deleted_version=True)
    eq("read key/value pairs .data.data", pairs["data"]["data"], exp["pairs_data"])
    v1 = kv.read_secret_version(path=path, version=1, mount_point=mount,
                                raise_on_deleted_version=True)
    eq("read ?version=1 .data.data", v1["data"]["data"], exp["v1_data"])
    eq("read ?version=1 .metadata.version", v1["data"]["metadata"]["version"], 1)

    # 2. metadata
    meta = kv.read_secret_metadata(path=path, mount_point=mount)
    check_envelope("metadata", meta)
    mdat = meta["data"]
    for k, t in [("cas_required", bool), ("created_time", str), ("current_version", int),
                 ("delete_version_after", str), ("max_versions", int),
                 ("oldest_version", int), ("updated_time", str), ("versions", dict)]:
        if k not in mdat:
            fail(f"metadata.data.{k} missing")
        typ(f"metadata.data.{k}", mdat[k], t)
    if "custom_metadata" not in mdat:
        fail("metadata.data.custom_metadata missing (null or map)")
    eq("metadata.custom_metadata", mdat["custom_metadata"], exp.get("custom_metadata"))
    eq("metadata.current_version", mdat["current_version"], exp["current_version"])
    want_versions = exp.get("versions", [str(i) for i in range(1, exp["current_version"] + 1)])
    eq("metadata.versions keys", sorted(mdat["versions"], key=int), want_versions)
    for vk, vv in mdat["versions"].items():
        typ(f"metadata.versions[{vk}].destroyed", vv.get("destroyed"), bool)
        typ(f"metadata.versions[{vk}].deletion_time", vv.get("deletion_time"), str)
        if not RFC3339_UTC.match(vv.get("created_time", "")):
            fail(f"metadata.versions[{vk}].created_time not RFC3339 UTC")
    eq("metadata.versions[current].created_time",
       mdat["versions"][str(exp["current_version"])]["created_time"], md["created_time"])

    # 3. list: hvac sends the LIST verb; strict_http=True sends GET ?list=true
    lst = kv.list_secrets(path=exp["list_path"], mount_point=mount)
    eq("LIST keys", lst["data"]["keys"], exp["list_keys"])
    strict = hvac.Client(url=addr, token=token, strict_http=True)
    lst2 = strict.secrets.kv.v2.list_secrets(path=exp["list_path"], mount_point=mount)
    eq("GET ?list=true keys", lst2["data"]["keys"], exp["list_keys"])

    # errors
    missing = exp["missing_path"]
    expect_exc("read missing", hexc.InvalidPath, lambda: kv.read_secret_version(
        path=missing, mount_point=mount, raise_on_deleted_version=True))
    expect_exc("read missing version", hexc.InvalidPath, lambda: kv.read_secret_version(
        path=path, version=exp["current_version"] + 1000, mount_point=mount,
        raise_on_deleted_version=True))
    expect_exc("metadata missing", hexc.InvalidPath,
               lambda: kv.read_secret_metadata(path=missing, mount_point=mount))
    expect_exc("list missing", hexc.InvalidPath,
               lambda: kv.list_secrets(path=missing + "-dir", mount_point=mount))
    raw = client.adapter.get(f"/v1/{mount}/data/{missing}", raise_exception=False)
    eq("missing: status", raw.status_code, 404)
    eq("missing: Content-Type", raw.headers.get("Content-Type"), "application/json")
    eq("missing: body", raw.json(), {"errors": []})
    expect_exc("read forbidden", hexc.Forbidden, lambda: kv.read_secret_version(
        path=exp["forbidden_path"], mount_point=mount, raise_on_deleted_version=True))
    try:
        kv.read_secret_version(path=exp["forbidden_path"], mount_point=mount,
                               raise_on_deleted_version=True)
    except hexc.Forbidden as e:
        if not e.errors or not isinstance(e.errors, list):
            fail(f"forbidden: errors list empty/unparsed ({e.errors!r}); "
                 "Content-Type must be exactly application/json")
    # a revoked token is an invalid token, as in Vault
    revoked = exp.get("revoked_token")
    if revoked:
        gone = hvac.Client(url=addr, token=revoked)
        eq("is_authenticated() with a revoked token", gone.is_authenticated(), False)
        expect_exc("read with a revoked token", hexc.Forbidden, lambda: gone.secrets.kv.v2.read_secret_version(
            path=path, mount_point=mount, raise_on_deleted_version=True))

    # agents only read: a write is refused (405, which hvac reports as UnexpectedError)
    expect_exc("write", hexc.UnexpectedError, lambda: kv.create_or_update_secret(
        path=path, secret={"value": "overwritten"}, mount_point=mount))
    again = kv.read_secret_version(path=path, mount_point=mount, raise_on_deleted_version=True)
    eq("after a refused write .data.data", again["data"]["data"], exp["data"])
    print("OK: all checks passed")


if __name__ == "__main__":
    main()
