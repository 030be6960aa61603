#!/usr/bin/env python3
"""Drills: the hub tried the way an attacker, a flaky network and a real
fleet would try it, against the real release binary on 127.0.0.1.

  crash    kill -9 under full ingest load, three times; every acknowledged
           report must be readable afterwards
  hostile  hostile bodies; no 5xx, nothing unreadable stored
  slow     idle, half-header and half-body connections; a half-sent request
           at SIGTERM
  secrets  a debug log of a busy hub must not contain a key or password
  resend   a Resend outage with a kill -9 in the middle; every email arrives
           exactly once afterwards

Usage: bench/drill.py [drill ...]   (default: all). Standard library only.
Prints one result line per drill; exits 1 if a drill failed.
"""

import http.client
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "hub-server")
KEY = "drill-report-key-0123456789abcdef"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


class Hub:
    """The release hub-server on a data dir, restartable."""

    def __init__(self, data, env=None, log_level="info"):
        self.data = data
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update(
            {
                "HUB_SERVER_DATA_DIR": data,
                "HUB_SERVER_LISTEN": f"127.0.0.1:{self.port}",
                "HUB_API_REPORT_API_KEY": KEY,
                "HUB_NOTIFICATIONS_RESEND_BASE_URL": "http://127.0.0.1:9",
                "RUST_LOG": log_level,
            }
        )
        self.env.pop("HUB_CONFIG", None)
        self.env.update(env or {})
        self.log = open(os.path.join(data, "hub.log"), "ab")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([BIN], env=self.env, stdout=self.log, stderr=self.log)
        for _ in range(200):
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("hub did not start")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def term(self):
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        return code, time.monotonic() - start

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def token(self, name):
        out = subprocess.run(
            [BIN, "token", "create", "--name", name],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return next(line.strip() for line in out.splitlines() if line.strip().startswith("hubadm_"))


def report(customer, ts, extra=None):
    r = {
        "customer_id": customer,
        "timestamp": ts,
        "controller_version": "1.8.2",
        "health": "ok",
        "system": {"hostname": "felhom-01", "uptime_seconds": 864000, "cpu_percent": 12.5},
        "storage": [{"mount_point": "/", "total_bytes": 250000000000, "used_bytes": 61000000000}],
    }
    r.update(extra or {})
    return r


AUTH = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}


def drill_crash(seconds_between=4, kills=3, threads=16):
    data = tempfile.mkdtemp(prefix="drill-crash-")
    hub = Hub(data)
    hub.start()
    acked = []
    lock = threading.Lock()
    stop = threading.Event()
    base = datetime.now(timezone.utc) - timedelta(hours=12)
    counter = iter(range(10**9))

    def load():
        conn = None
        while not stop.is_set():
            i = next(counter)
            customer = f"drill-{i % 200}"
            ts = rfc3339(base + timedelta(milliseconds=i))
            body = json.dumps(report(customer, ts))
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=5)
                conn.request("POST", "/api/v1/report", body=body, headers=AUTH)
                resp = conn.getresponse()
                resp.read()
                if resp.status == 200:
                    with lock:
                        acked.append((customer, ts))
            except (OSError, http.client.HTTPException):
                conn = None
                time.sleep(0.01)

    workers = [threading.Thread(target=load) for _ in range(threads)]
    for w in workers:
        w.start()
    for _ in range(kills):
        time.sleep(seconds_between + random.random() * 2)
        hub.kill9()
        time.sleep(0.2)
        hub.start()
    time.sleep(seconds_between)
    stop.set()
    for w in workers:
        w.join()
    stored = {}
    for c in {c for c, _ in acked}:
        status, body = hub.request("GET", f"/api/v1/customers/{c}/history?period=24h", headers=AUTH)
        assert status == 200, status
        stored[c] = {e["report"]["timestamp"] for e in json.loads(body)["reports"]}
    lost = sum(1 for c, ts in acked if ts not in stored.get(c, ()))
    hub.term()
    ok = lost == 0 and len(acked) > 0
    return ok, f"crash: {lost} of {len(acked)} acknowledged reports lost across {kills} kill -9 under load ({threads} connections)"


def drill_hostile():
    data = tempfile.mkdtemp(prefix="drill-hostile-")
    hub = Hub(data)
    hub.start()
    now = rfc3339(datetime.now(timezone.utc))
    good = json.dumps(report("hostile", now)).encode()
    bodies = [
        good + b"xyz",
        good + good,
        good + b"\x00",
        good[:-1],
        good.replace(b'"felhom-01"', b'"felhom-\xf1"'),
        good.replace(b'"hostname"', b'"x_\xe9"'),
        b"[" * 10000 + b"]" * 10000,
        b'{"customer_id": "hostile", "timestamp": "0001-01-01T00:00:00Z", "health": "ok"}',
        b'{"customer_id": "hostile", "timestamp": "9999-01-01T00:00:00Z", "health": "ok"}',
        b'{"customer_id": "../etc", "timestamp": "' + now.encode() + b'", "health": "ok"}',
        b'{"customer_id": "hostile", "timestamp": "' + now.encode() + b'", "health": "ok", "system": {"uptime_seconds": 1e400}}',
        b"\xef\xbb\xbf" + good,
        b"",
        b"null",
        b'"string"',
        good.replace(b'"health": "ok"', b'"health": "ok", "health": "fail"'),
    ]
    paths = ["/api/v1/report", "/api/v1/event", "/api/v1/infra-backup", "/api/v1/preferences", "/api/v1/notify"]
    sent = errors5 = accepted = 0
    for path in paths:
        for b in bodies:
            status, _ = hub.request("POST", path, body=b, headers=AUTH)
            sent += 1
            errors5 += status >= 500
            accepted += 200 <= status < 300
    # A good report, then every read.
    hub.request("POST", "/api/v1/report", body=good, headers=AUTH)
    reads = [
        "/api/v1/customers",
        "/api/v1/customers/hostile",
        "/api/v1/customers/hostile/history?period=90d",
        "/api/v1/infra-backup/hostile",
    ]
    read5 = sum(hub.request("GET", p, headers=AUTH)[0] >= 500 for p in reads)
    alive = hub.request("GET", "/healthz")[0] == 200
    hub.term()
    ok = errors5 == 0 and read5 == 0 and accepted == 0 and alive
    return ok, (
        f"hostile: {sent} hostile bodies, {accepted} accepted, {errors5} answered 5xx; "
        f"{read5} of {len(reads)} reads failed afterwards"
    )


def drill_slow(n=50):
    data = tempfile.mkdtemp(prefix="drill-slow-")
    hub = Hub(data)
    hub.start()
    now = rfc3339(datetime.now(timezone.utc))
    body = json.dumps(report("slow", now))
    head = (
        f"POST /api/v1/report HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    kinds = {
        "idle": b"",
        "half-header": b"POST /api/v1/report HTTP/1.1\r\nHost: hub\r\n",
        "half-body": (head + body[:20]).encode(),
    }
    closed = {k: [] for k in kinds}

    def hold(kind, payload):
        s = socket.create_connection(("127.0.0.1", hub.port))
        start = time.monotonic()
        if payload:
            s.sendall(payload)
        s.settimeout(120)
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
        closed[kind].append(time.monotonic() - start)
        s.close()

    threads = [threading.Thread(target=hold, args=(k, p)) for k, p in kinds.items() for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(1)
    t0 = time.monotonic()
    served = hub.request("POST", "/api/v1/report", body=body, headers=AUTH)[0] == 200
    served_in = time.monotonic() - t0
    for t in threads:
        t.join()
    # SIGTERM while a request is half sent.
    s = socket.create_connection(("127.0.0.1", hub.port))
    s.sendall((head + body[:20]).encode())
    time.sleep(0.5)
    code, took = hub.term()
    s.close()
    worst = {k: max(v) for k, v in closed.items()}
    ok = (
        served
        and worst["idle"] <= 11
        and worst["half-header"] <= 11
        and worst["half-body"] <= 31
        and code == 0
        and took <= 21
    )
    return ok, (
        f"slow: {n} each of idle / half-header / half-body connections closed after at most "
        f"{worst['idle']:.1f} / {worst['half-header']:.1f} / {worst['half-body']:.1f} s; a normal "
        f"report meanwhile answered in {served_in * 1000:.0f} ms; SIGTERM with a half-sent "
        f"request: exit {code} after {took:.1f} s"
    )


def drill_secrets():
    data = tempfile.mkdtemp(prefix="drill-secrets-")
    hub = Hub(data, log_level="debug")
    hub.start()
    admin = hub.token("drill")
    aj = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
    tunnel, dns, restic = "tunnel-secret-7f3a9c", "dns-secret-51be0d", "restic-secret-c0ffee"
    cfg = {"customer_id": "sec", "domain": "sec.felhom.eu", "tokens": {"tunnel": tunnel, "dns": dns}}
    status, body = hub.request("POST", "/api/admin/v1/configs", json.dumps(cfg), aj)
    creds = json.loads(body)
    secrets = [KEY, admin, tunnel, dns, restic, creds["api_key"], creds["retrieval_password"], creds["session_secret"]]
    now = rfc3339(datetime.now(timezone.utc))
    ck = {"Authorization": f"Bearer {creds['api_key']}", "Content-Type": "application/json"}
    for i in range(200):
        hub.request("POST", "/api/v1/report", json.dumps(report("sec", now, {"timestamp": rfc3339(datetime.now(timezone.utc) - timedelta(seconds=i))})), ck)
    hub.request("POST", "/api/v1/infra-backup", json.dumps({"customer_id": "sec", "created_at": now, "restic": {"primary_password": restic}}), ck)
    for pw in [creds["retrieval_password"], "wrong", creds["retrieval_password"]]:
        hub.request("GET", "/api/v1/recovery/sec", headers={"X-Retrieval-Password": pw})
        hub.request("GET", "/api/v1/config/sec", headers={"X-Retrieval-Password": pw})
    for path in ["/configs/sec/credentials", "/configs/sec/yaml", "/customers/sec", "/fleet", "/audit"]:
        hub.request("GET", "/api/admin/v1" + path, headers=aj)
    hub.request("POST", "/api/admin/v1/configs/sec/rotate", json.dumps({"credential": "api_key"}), aj)
    hub.request("GET", "/api/admin/v1/fleet", headers={"Authorization": f"Bearer {admin}x"})
    hub.request("POST", "/api/v1/report", b"{bad", {"Authorization": f"Bearer {creds['api_key']}"})
    hub.term()
    lines = open(os.path.join(data, "hub.log"), errors="replace").read().splitlines()
    leaked = [l for l in lines if any(s in l for s in secrets)]
    return not leaked, f"secrets: {len(leaked)} of {len(lines)} debug log lines contain a key, token or password"


class FakeResend(http.server.BaseHTTPRequestHandler):
    down_until = 0.0
    delivered = {}
    attempts = 0
    lock = threading.Lock()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        key = self.headers.get("Idempotency-Key", "")
        with FakeResend.lock:
            FakeResend.attempts += 1
            if time.monotonic() < FakeResend.down_until:
                self.send_response(503)
                self.end_headers()
                self.wfile.write(b'{"name": "outage", "message": "down"}')
                return
            FakeResend.delivered[key] = FakeResend.delivered.get(key, 0) + 1
            n = len(FakeResend.delivered)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"email-{n}"}).encode())

    def log_message(self, *args):
        pass


def drill_resend(outage=60, emails=10):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeResend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeResend.down_until = time.monotonic() + outage
    data = tempfile.mkdtemp(prefix="drill-resend-")
    hub = Hub(
        data,
        {
            "HUB_NOTIFICATIONS_RESEND_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
            "HUB_NOTIFICATIONS_RESEND_API_KEY": "re_drill",
            "HUB_NOTIFICATIONS_OPERATOR_EMAIL": "ops@felhom.eu",
        },
    )
    hub.start()
    for i in range(emails):
        ev = {"customer_id": f"mail-{i}", "event_type": "disk_missing", "severity": "error", "message": "gone"}
        hub.request("POST", "/api/v1/event", json.dumps(ev), AUTH)
    time.sleep(outage / 2)
    hub.kill9()
    hub.start()
    deadline = time.monotonic() + outage + 8 * 60
    while time.monotonic() < deadline and len(FakeResend.delivered) < emails:
        time.sleep(1)
    time.sleep(5)
    hub.term()
    server.shutdown()
    twice = sum(1 for n in FakeResend.delivered.values() if n > 1)
    ok = len(FakeResend.delivered) == emails and twice == 0
    return ok, (
        f"resend: {len(FakeResend.delivered)} of {emails} emails delivered after a {outage} s outage "
        f"with a kill -9 in it ({FakeResend.attempts} attempts), {twice} delivered twice"
    )


DRILLS = {
    "crash": drill_crash,
    "hostile": drill_hostile,
    "slow": drill_slow,
    "secrets": drill_secrets,
    "resend": drill_resend,
}


def main():
    names = sys.argv[1:] or list(DRILLS)
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} missing: run `cargo build --release -p hub-server` first")
    failed = False
    for name in names:
        ok, line = DRILLS[name]()
        print(("ok   " if ok else "FAIL ") + line, flush=True)
        failed |= not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
