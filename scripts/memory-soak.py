#!/usr/bin/env python3
"""A request storm against a running `onsite serve --demo`, printing the server's resident
memory (VmRSS) every 15 s: what the memory measurement of docs/benchmarks.md ("Memory under a
request storm") runs.

usage: scripts/memory-soak.py BASE_URL SERVER_PID SECONDS [CLIENTS] [MIX]

Each client signs in as one of the demo people, then loops over requests drawn at random, with
made-up and malformed parameters as a fuzzer sends them: the JSON API (slots, availability,
bookings, records, opportunities, visits, feedback; reads and writes), pages, sign-in attempts
with wrong passwords (a fresh connection each, unknown and known emails), requests to made-up
paths with odd methods, and static files. MIX keeps only some kinds (comma-separated:
api,pages,signin,junk,assets; all by default).
"""
import http.client, json, random, re, sys, threading, time, urllib.parse

BASE, PID, SECONDS = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
THREADS = int(sys.argv[4]) if len(sys.argv) > 4 else 8
MIX = set((sys.argv[5] if len(sys.argv) > 5 else "api,pages,signin,junk,assets").split(","))
host = urllib.parse.urlparse(BASE).netloc
PASSWORD = "demo-password"
USERS = ["customer@demo.test", "approver@demo.test", "reviewer@demo.test",
         "partner@demo.test", "tech@demo.test", "dispatcher@demo.test", "admin@demo.test"]


def rss():
    for line in open(f"/proc/{PID}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Client:
    def __init__(self):
        self.conn = None
        self.cookies = {}
        self.csrf = ""

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(host, timeout=30)
                h = {"Host": host, "Accept-Language": random.choice(["en", "fr", "fr-CA", "de"])}
                if self.cookies:
                    h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                h.update(headers or {})
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                for k, v in r.getheaders():
                    if k.lower() == "set-cookie":
                        name, _, rest = v.partition("=")
                        value = rest.split(";")[0]
                        if "Max-Age=0" in v:
                            self.cookies.pop(name, None)
                        else:
                            self.cookies[name] = value
                    if k.lower() == "connection" and v.lower() == "close":
                        self.conn.close(); self.conn = None
                m = re.search(rb'<meta name="csrf-token" content="([0-9a-f]+)"', data)
                if m:
                    self.csrf = m.group(1).decode()
                return r.status, data
            except Exception:
                if self.conn:
                    self.conn.close()
                self.conn = None
        return 0, b""

    def sign_in(self, email, password=PASSWORD):
        self.request("GET", "/sign-in")
        body = urllib.parse.urlencode({"email": email, "password": password, "csrf": self.csrf})
        return self.request("POST", "/sign-in", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})

    def post_json(self, path, value):
        return self.request("POST", path, json.dumps(value), {
            "Content-Type": "application/json", "X-CSRF-Token": self.csrf, "Sec-Fetch-Site": "same-origin"})


def junk():
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_%é."
    return "".join(random.choice(alphabet) for _ in range(random.randint(1, 40)))


def day():
    return f"20{random.randint(20, 40)}-{random.randint(1, 12):02}-{random.randint(1, 28):02}"


def api(c):
    r = random.random()
    if r < 0.15:
        c.request("GET", f"/api/v1/slots?service_type={random.randint(0, 12)}&date={day()}")
    elif r < 0.25:
        c.request("GET", f"/api/v1/availability?service_type={random.randint(0, 12)}&from={day()}")
    elif r < 0.35:
        c.request("GET", f"/api/v1/bookings?cursor={junk()}&limit={random.randint(-5, 500)}")
    elif r < 0.45:
        c.request("GET", f"/api/v1/bookings/{random.randint(-3, 3000)}")
    elif r < 0.55:
        lst = random.choice(["agreements", "assets", "work-orders", "invoices", "assets/tree"])
        c.request("GET", f"/api/v1/records/{lst}?q={urllib.parse.quote(junk())}&sort={junk()}&limit={random.randint(0, 300)}")
    elif r < 0.65:
        c.post_json("/api/v1/bookings", {"service_type": random.randint(0, 12), "start": f"{day()}T1{random.randint(0, 9)}:00:00Z",
                                          "comments": junk() * random.randint(1, 50), "idempotency_key": junk()})
    elif r < 0.72:
        c.request("GET", f"/api/v1/staff/visits?from={day()}&to={day()}&state={junk()}")
    elif r < 0.8:
        c.request("GET", f"/api/v1/opportunities?status={junk()}&cursor={junk()}")
    elif r < 0.86:
        c.post_json("/api/v1/opportunities", {"name": junk(), "customer_name": junk(), "latitude": random.uniform(-100, 100),
                                               "longitude": random.uniform(-200, 200), "estimated_revenue_minor": random.randint(-10, 10**12),
                                               "lead_type": random.choice(["residential", "commercial", junk()])})
    elif r < 0.92:
        c.request("GET", f"/api/v1/staff/feedback?month={junk()}&technician={random.randint(0, 50)}")
    else:
        c.request("GET", "/api/openapi.json")


def pages(c):
    path = random.choice(["/", "/profile", "/bookings/new", f"/bookings/{random.randint(1, 400)}",
                          f"/staff/visits?day={day()}", "/staff/contacts?q=" + urllib.parse.quote(junk()),
                          "/records/work-orders", "/records/assets/tree", "/staff/mailbox", "/technician",
                          "/partner/opportunities", "/staff/feedback", "/staff/opportunities", "/sign-in"])
    c.request("GET", path)


def signin(c):
    fresh = Client()
    if random.random() < 0.5:
        fresh.sign_in(random.choice(USERS), junk())
    else:
        fresh.sign_in(f"{junk()}@nowhere.test", junk())
    if fresh.conn:
        fresh.conn.close()


def junk_request(c):
    c.request(random.choice(["GET", "POST", "DELETE", "PUT", "BREW"]), "/" + "/".join(junk() for _ in range(random.randint(1, 5))))


def assets(c):
    c.request("GET", f"/assets/{junk()}/onsite.css")


KINDS = [(api, 40, "api"), (pages, 25, "pages"), (signin, 5, "signin"), (junk_request, 20, "junk"), (assets, 10, "assets")]
KINDS = [k for k in KINDS if k[2] in MIX]
stop = time.time() + SECONDS
count = [0]


def worker(i):
    c = Client()
    c.sign_in(USERS[i % len(USERS)])
    fs, ws = [k[0] for k in KINDS], [k[1] for k in KINDS]
    while time.time() < stop:
        random.choices(fs, ws)[0](c)
        count[0] += 1


threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(THREADS)]
start = time.time()
print(f"t=0s rss={rss()} KiB", flush=True)
for t in threads:
    t.start()
while any(t.is_alive() for t in threads):
    time.sleep(min(15, max(0.1, stop - time.time())))
    print(f"t={time.time() - start:.0f}s requests={count[0]} rss={rss()} KiB", flush=True)
time.sleep(5)
print(f"after 5 s idle: rss={rss()} KiB", flush=True)
