#!/usr/bin/env python3
"""The soak's load driver: S signed-in sessions against a running Rounds, for M minutes.

Each session is a member of its own, on a loopback address of its own (127.10.x.y), so the
per-IP limits see S clients as a proxy in front of Rounds would; it signs up its accounts
over HTTP at the start, each joining a community and following authors found on community
pages (so every home feed is a full page from the start), then loops: waits an exponential think time (mean --think s) and
does one thing of a realistic mix:

  70 % reads   the home feed, its next page, a post, a profile, a community, notifications
  20 % writes  a post, a comment, a reaction toggle, a follow or unfollow, a join or leave
   5 % sign-ins  sign out, then sign in again as one of the session's accounts
   5 % drops   a feed request whose connection is closed after the first bytes

Writes carry idempotency keys and are retried once, with the same key, when a connection
fails (behind the cluster's proxy the retry reaches the other app server).

Every minute it prints that minute's requests, p95 and errors, and the RSS of --pids
(sampled every 10 s);
the last line is the JSON summary. Standard library only: the mix needs per-session source
addresses, sign-ins and mid-page drops, which wrk cannot do, and a load tool from PyPI
(locust) would be a large install for a few hundred lines.
"""

import argparse
import base64
import http.client
import json
import math
import random
import re
import socket
import sys
import threading
import time
import urllib.parse
import uuid

PASSWORD = "soak-driver-password-7341"
POST_RE = re.compile(r'href="/p/([A-Za-z0-9_-]+)"')
AFTER_RE = re.compile(r'href="/\?after=([^"&]+)"')
COMMUNITY_RE = re.compile(r'href="/c/([a-z0-9-]+)"')
AUTHOR_RE = re.compile(r'href="/@([A-Za-z0-9._-]+)"')

# Members an account follows at the start, found on community pages as a new member
# would find them: enough that every home feed is a full page from the first minute. A
# soak whose accounts start with empty feeds measures the feeds filling up (pages growing
# from one post to twenty), not the servers.
AUTHORS_FOLLOWED = 15

# Bodies a clinician might post about work in general: nothing in them names or dates a
# patient, so the PHI guard has nothing to hold back (a held-back write would be an error).
TOPICS = [
    "Hand hygiene audit on our ward went from 81 to 93 percent after the poster change.",
    "Does anyone have a good checklist for safe opioid tapering in primary care?",
    "Reminder that the influenza vaccine clinic runs every weekday morning this month.",
    "New guideline summary on sepsis bundles is worth ten minutes of your time.",
    "We trialled quiet hours on the night shift and falls went down noticeably.",
    "What apps do you recommend for drug interaction checks at the bedside?",
    "Peer support group for caregivers meets online every second Thursday.",
    "Our clinic now lists prices for common lab panels at the front desk.",
]
REPLIES = [
    "Thanks for sharing, we saw something similar.",
    "Could you post the reference when you have a moment?",
    "Agreed, this matched our experience on the unit.",
    "Useful, passing it to our education lead.",
]


def pct(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.minute = {}  # minute -> {"ms": [], "errors": n, "dropped": n}
        self.kinds = {}
        self.error_samples = []
        self.refusal_samples = []

    def refuse(self, minute, kind, ms, why):
        """An answer the app gives by its rules (403, 404): timed, and counted apart."""
        with self.lock:
            m = self.minute.setdefault(minute, {"ms": [], "errors": 0, "dropped": 0})
            m["ms"].append(ms)
            m["refused"] = m.get("refused", 0) + 1
            m.setdefault("by_kind", {}).setdefault(kind, []).append(ms)
            k = self.kinds.setdefault(kind, {"n": 0, "errors": 0})
            k["n"] += 1
            k["refused"] = k.get("refused", 0) + 1
            if len(self.refusal_samples) < 10:
                self.refusal_samples.append(f"{kind}: {why}")

    def add(self, minute, kind, ms, error=None, size=None):
        with self.lock:
            m = self.minute.setdefault(minute, {"ms": [], "errors": 0, "dropped": 0})
            k = self.kinds.setdefault(kind, {"n": 0, "errors": 0})
            k["n"] += 1
            if kind == "drop" and error is None:
                m["dropped"] += 1
                return
            if error is not None:
                m["errors"] += 1
                k["errors"] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{kind}: {error}")
            else:
                m["ms"].append(ms)
                m.setdefault("by_kind", {}).setdefault(kind, []).append(ms)
                if size is not None:
                    m.setdefault("bytes_by_kind", {}).setdefault(kind, []).append(size)


class Session:
    def __init__(self, i, args, run, stats, started):
        self.i = i
        self.host, self.port = args.host, args.port
        self.ip = f"127.10.{i // 250}.{i % 250 + 1}"
        self.accounts = [f"soak.{run}.{i}.{j}" for j in range(args.accounts)]
        self.stats, self.started, self.minutes = stats, started, args.minutes
        self.rng = random.Random(f"{run}-{i}")
        # Two sessions in five are patients: they read, post and react like the rest, and
        # follow professionals only (the peers), as the graph's rules let them.
        self.role = "patient" if i % 5 < 2 else "professional"
        self.think = args.think
        self.peers = []
        self.cookie = None
        self.conn = None
        self.posts = []
        self.after = None
        self.communities = []
        self.following = set()
        self.joined = set()

    # --- HTTP ----------------------------------------------------------------------------
    def connect(self):
        self.conn = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.ip, 0)
        )

    def request(self, method, path, form=None):
        """One request on the session's keep-alive connection: (status, body)."""
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "rounds-soak/1"}
        body = None
        if self.cookie:
            headers["Cookie"] = self.cookie
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Accept"] = "application/json"
        else:
            headers["Accept"] = "text/html"
        for attempt in range(2):
            if self.conn is None:
                self.connect()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                res = self.conn.getresponse()
                data = res.read()
                for k, v in res.getheaders():
                    if k.lower() == "set-cookie" and v.startswith("rounds_session="):
                        token = v.split(";", 1)[0]
                        self.cookie = None if token == "rounds_session=" else token
                if res.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return res.status, data.decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as e:
                self.conn.close()
                self.conn = None
                # A kept-alive connection the server closed meanwhile fails at once; a
                # write is retried with the same idempotency key, a read just again.
                if attempt == 1:
                    raise
                last = e
        raise last  # pragma: no cover

    def timed(self, kind, method, path, form=None, ok=(200, 302, 303)):
        minute = int((time.monotonic() - self.started) // 60)
        t0 = time.perf_counter()
        try:
            status, body = self.request(method, path, form)
        except Exception as e:  # noqa: BLE001 - every failure is counted and sampled
            self.stats.add(minute, kind, 0, f"{type(e).__name__}: {e}")
            return None
        ms = (time.perf_counter() - t0) * 1000
        # Refusals by the app's rules are answers, not failures: a post that the session's
        # other account may not see (404), a patient at a professionals-only community
        # (403). Anything else unexpected (5xx, 401, 429, a broken connection) is an error.
        if status in (403, 404):
            self.stats.refuse(minute, kind, ms, f"HTTP {status} {path}")
            return None
        if status not in ok:
            self.stats.add(minute, kind, ms, f"HTTP {status} {path} {body[:160]!r}")
            return None
        self.stats.add(minute, kind, ms, size=len(body))
        return body

    def call(self, kind, name, form):
        return self.timed(kind, "POST", f"/api/{name}", form)

    # --- setup ---------------------------------------------------------------------------
    def sign_up(self):
        for j, handle in enumerate(self.accounts):
            self.cookie = None
            status, body = self.request(
                "POST",
                "/api/sign_up",
                {
                    "email": f"{handle}@example.org",
                    "handle": handle,
                    "display_name": f"Soak Tester {self.i}-{j}",
                    "password": PASSWORD,
                    "role": self.role,
                },
            )
            if status not in (200, 302, 303):
                raise RuntimeError(f"sign up {handle}: HTTP {status} {body[:200]}")
            self.find_network(handle)

    def setup_request(self, what, method, path, form=None):
        """A setup request: its body, or None if the app refused it by its rules (a
        patient following a patient, a closed community); anything else ends the setup."""
        status, body = self.request(method, path, form)
        if status in (403, 404):
            return None
        if status not in (200, 302, 303):
            raise RuntimeError(f"{what}: HTTP {status} {body[:200]}")
        return body

    def find_network(self, handle):
        """Signed in as the account just made: joins a community and follows some of the
        authors on two communities' pages."""
        if not self.communities:
            body = self.setup_request("communities", "GET", "/communities") or ""
            self.communities = sorted(set(COMMUNITY_RE.findall(body)))[:30]
        authors = []
        for slug in self.rng.sample(self.communities, min(2, len(self.communities))):
            page = self.setup_request(f"community {slug}", "GET", f"/c/{slug}") or ""
            authors += [a for a in AUTHOR_RE.findall(page) if not a.startswith("soak.")]
        if self.communities:
            slug = self.rng.choice(self.communities)
            if self.setup_request(f"join {slug}", "POST", "/api/community_membership", {"slug": slug, "op": "join"}) is not None:
                self.joined.add(slug)
        for author in list(dict.fromkeys(authors))[:AUTHORS_FOLLOWED]:
            self.setup_request(f"{handle} follows {author}", "POST", "/api/update_relationship", {"handle": author, "op": "follow"})

    def follow_peers(self):
        # Signed in as the last account made; the loop signs in as any of them. A few
        # follows first (once every session has signed up), so that every home feed has
        # something in it from the start.
        for peer in self.rng.sample(self.peers, min(5, len(self.peers))):
            status, body = self.request("POST", "/api/update_relationship", {"handle": peer, "op": "follow"})
            if status not in (200, 302, 303):
                raise RuntimeError(f"follow {peer}: HTTP {status} {body[:200]}")
            self.following.add(peer)

    # --- the mix -------------------------------------------------------------------------
    def remember(self, html):
        if html is None:
            return
        found = POST_RE.findall(html)
        if found:
            self.posts = (found + self.posts)[:60]
        m = AFTER_RE.search(html)
        self.after = urllib.parse.unquote(m.group(1)) if m else None

    def one(self):
        r = self.rng.random() * 100
        if r < 30:
            self.remember(self.timed("feed", "GET", "/"))
        elif r < 40:
            path = "/?after=" + urllib.parse.quote(self.after) if self.after else "/"
            self.remember(self.timed("feed_next", "GET", path))
        elif r < 55:
            if self.posts:
                self.timed("post_page", "GET", f"/p/{self.rng.choice(self.posts)}")
            else:
                self.remember(self.timed("feed", "GET", "/"))
        elif r < 60:
            self.timed("profile", "GET", f"/@{self.rng.choice(self.peers)}")
        elif r < 65:
            if self.communities:
                self.timed("community", "GET", f"/c/{self.rng.choice(self.communities)}")
            else:
                body = self.timed("communities", "GET", "/communities")
                if body:
                    self.communities = sorted(set(COMMUNITY_RE.findall(body)))[:30]
        elif r < 70:
            self.timed("notifications", "GET", "/notifications")
        elif r < 75:
            text = f"{self.rng.choice(TOPICS)} (soak {self.rng.randrange(10**6)})"
            self.call(
                "create_post",
                "create_post",
                {"body": text, "visibility": "public", "idempotency_key": uuid.uuid4().hex},
            )
        elif r < 80:
            if self.posts:
                self.call(
                    "add_comment",
                    "add_comment",
                    {
                        "post": self.rng.choice(self.posts),
                        "body": self.rng.choice(REPLIES),
                        "idempotency_key": uuid.uuid4().hex,
                    },
                )
            else:
                self.remember(self.timed("feed", "GET", "/"))
        elif r < 86:
            if self.posts:
                self.call(
                    "react",
                    "react",
                    {"id": self.rng.choice(self.posts), "kind": self.rng.choice(["like", "insightful", "support"])},
                )
            else:
                self.remember(self.timed("feed", "GET", "/"))
        elif r < 89:
            peer = self.rng.choice(self.peers)
            op = "unfollow" if peer in self.following else "follow"
            if self.call("follow", "update_relationship", {"handle": peer, "op": op}) is not None:
                self.following.symmetric_difference_update({peer})
        elif r < 90:
            if self.communities:
                slug = self.rng.choice(self.communities)
                op = "leave" if slug in self.joined else "join"
                if self.call("join", "community_membership", {"slug": slug, "op": op}) is not None:
                    self.joined.symmetric_difference_update({slug})
            else:
                self.timed("notifications", "GET", "/notifications")
        elif r < 95:
            self.call("sign_out", "sign_out", {})
            login = self.rng.choice(self.accounts)
            self.call("sign_in", "sign_in", {"login": login, "password": PASSWORD})
        else:
            self.drop()

    def drop(self):
        """A feed request whose reader goes away after the first bytes of the page."""
        minute = int((time.monotonic() - self.started) // 60)
        try:
            s = socket.create_connection((self.host, self.port), timeout=30, source_address=(self.ip, 0))
            cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
            s.sendall(
                f"GET / HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: text/html\r\n{cookie}\r\n".encode()
            )
            first = s.recv(256)
            s.close()
            if not first.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"answered {first[:40]!r}")
            self.stats.add(minute, "drop", 0)
        except Exception as e:  # noqa: BLE001
            self.stats.add(minute, "drop", 0, f"{type(e).__name__}: {e}")

    def loop(self, until):
        time.sleep(self.rng.random() * min(10.0, self.think * 5))
        while time.monotonic() < until:
            time.sleep(self.rng.expovariate(1 / self.think))
            if time.monotonic() >= until:
                break
            self.one()


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def table_counts(surreal):
    """Rows in the tables that must not grow without bound, read from the SurrealDB server."""
    if not surreal:
        return None
    u = urllib.parse.urlparse(surreal)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    tables = ["session", "rate_limit", "timeline", "member", "post"]
    sql = " ".join(f"(SELECT count() FROM {t} GROUP ALL)[0].count ?? 0;" for t in tables)
    auth = base64.b64encode(b"root:root").decode()
    conn.request(
        "POST",
        "/sql",
        body=sql,
        headers={
            "Accept": "application/json",
            "Authorization": f"Basic {auth}",
            "surreal-ns": "rounds",
            "surreal-db": "rounds",
        },
    )
    res = json.loads(conn.getresponse().read())
    return {t: r.get("result") for t, r in zip(tables, res)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--minutes", type=int, default=15)
    ap.add_argument("--sessions", type=int, default=200)
    ap.add_argument("--think", type=float, default=2.0, help="mean seconds between a session's actions")
    ap.add_argument("--accounts", type=int, default=3, help="accounts per session (sign-ins rotate)")
    ap.add_argument("--pids", default="", help="processes whose RSS is watched (app servers)")
    ap.add_argument("--surreal", default="", help="the SurrealDB server's http:// URL, for table sizes")
    args = ap.parse_args()
    u = urllib.parse.urlparse(args.url)
    args.host, args.port = u.hostname, u.port or 80
    pids = [int(p) for p in args.pids.split()]
    run = uuid.uuid4().hex[:4]
    stats = Stats()
    started = time.monotonic()
    sessions = [Session(i, args, run, stats, started) for i in range(args.sessions)]
    handles = [s.accounts[0] for s in sessions if s.role == "professional"]
    for s in sessions:
        s.peers = [h for h in s.rng.sample(handles, min(20, len(handles))) if h not in s.accounts]

    t0 = time.monotonic()
    failures = []

    def setup(chunk, step):
        for s in chunk:
            try:
                step(s)
            except Exception as e:  # noqa: BLE001
                failures.append(str(e))

    for step in (Session.sign_up, Session.follow_peers):
        workers = [threading.Thread(target=setup, args=(sessions[k::8], step)) for k in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    if failures:
        sys.exit(f"setup failed: {failures[:3]}")
    print(f"{len(sessions) * args.accounts} accounts signed up in {time.monotonic() - t0:.0f} s", file=sys.stderr)
    tables_before = table_counts(args.surreal)

    started = time.monotonic()
    for s in sessions:
        s.started = started
    until = started + args.minutes * 60
    threads = [threading.Thread(target=s.loop, args=(until,), daemon=True) for s in sessions]
    for t in threads:
        t.start()
    rss = []  # each minute's mean total KiB of the watched processes
    for minute in range(args.minutes):
        # Sampled every 10 s: one sample swings by a sixth either way as the allocator
        # takes and gives back memory, which hides or fakes a trend.
        samples = []
        for tick in range(1, 7):
            time.sleep(max(0.0, started + minute * 60 + tick * 10 - time.monotonic()))
            sizes = [rss_kib(p) for p in pids]
            if pids and all(sizes):
                samples.append(sum(sizes))
        with stats.lock:
            m = stats.minute.get(minute, {"ms": [], "errors": 0, "dropped": 0})
            n, p95, errors = len(m["ms"]), pct(m["ms"], 95), m["errors"]
        total = sum(samples) / len(samples) if samples else None
        rss.append(total)
        mib = f", rss {total / 1024:.0f} MiB" if total else ""
        print(f"minute {minute + 1}: {n} requests, p95 {p95:.1f} ms, {errors} errors{mib}", file=sys.stderr, flush=True)
    for t in threads:
        t.join(timeout=40)
    tables_after = table_counts(args.surreal)

    minutes = [stats.minute.get(k, {"ms": [], "errors": 0, "dropped": 0}) for k in range(args.minutes)]
    # The first minute warms the caches and connection pools: drift and growth count from
    # the end of it.
    first = minutes[1] if args.minutes > 1 else minutes[0]
    last = minutes[-1]
    # Growth: the last three minutes' mean RSS against minutes 2-4's, after the warm-up.
    def mean_of(values):
        values = [v for v in values if v]
        return sum(values) / len(values) if values else None

    span = min(3, max(1, (len(rss) - 1) // 2))
    base_rss, end_rss = mean_of(rss[1:1 + span] or rss[:1]), mean_of(rss[-span:])
    growth = round((end_rss - base_rss) / base_rss * 100, 2) if base_rss and end_rss else None
    requests = sum(len(m["ms"]) + m["errors"] for m in minutes)
    errors = sum(m["errors"] for m in stats.minute.values())
    for e in stats.error_samples:
        print("error:", e, file=sys.stderr)
    for e in stats.refusal_samples:
        print("refused:", e, file=sys.stderr)
    out = {
        "bench": "soak",
        "minutes": args.minutes,
        "sessions": args.sessions,
        "requests": requests,
        "errors": errors,
        "p95_first_ms": round(pct(first["ms"], 95), 1),
        "p95_last_ms": round(pct(last["ms"], 95), 1),
        "rss_growth_pct": growth,
        "dropped": sum(m["dropped"] for m in minutes),
        "refused": sum(m.get("refused", 0) for m in minutes),
        "per_minute_p95_ms": [round(pct(m["ms"], 95), 1) for m in minutes],
        "per_minute_errors": [m["errors"] for m in minutes],
        "rss_mib": [round(x / 1024, 1) if x else None for x in rss],
        "kinds": {k: v["n"] for k, v in sorted(stats.kinds.items())},
        # Which request kinds a drift comes from: each kind's p95 in the first counted
        # minute and the last.
        "p95_by_kind_ms": {
            k: [round(pct(first.get("by_kind", {}).get(k, []), 95), 1),
                round(pct(last.get("by_kind", {}).get(k, []), 95), 1)]
            for k in sorted(set(first.get("by_kind", {})) | set(last.get("by_kind", {})))
        },
        # Whether the pages stayed the same size: each kind's mean answer in KiB, in the
        # first counted minute and the last (a drift from pages growing is the workload's).
        "kib_by_kind": {
            k: [round(sum(v) / len(v) / 1024, 1) if v else 0.0
                for v in (first.get("bytes_by_kind", {}).get(k, []), last.get("bytes_by_kind", {}).get(k, []))]
            for k in sorted(set(first.get("bytes_by_kind", {})) | set(last.get("bytes_by_kind", {})))
        },
        "refused_by_kind": {k: v["refused"] for k, v in sorted(stats.kinds.items()) if v.get("refused")},
        "tables_before": tables_before,
        "tables_after": tables_after,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
