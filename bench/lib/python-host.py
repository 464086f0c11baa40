"""A plain native messaging host in Python (stdlib only), the benchmark's reference: the same
list, imported by the sqlite3 shell into account and entity tables (bench/lib/list-to-sqlite.mjs),
looked up by one JOIN, with the same reply shape as netral-host.
Usage: python3 python-host.py DATABASE"""
import json, sqlite3, struct, sys

LOOKUP_SQL = ("SELECT e.name, e.role, e.party, e.election, e.region FROM account a "
              "JOIN entity e ON e.id = a.entity_id WHERE a.platform = ?1 AND a.account = ?2")
FIELDS = ("name", "role", "party", "election", "region")

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro&immutable=1", uri=True)
meta = dict(db.execute("SELECT key, value FROM meta"))
version = meta["version"]

def check(item):
    platform = {"twitter": "x"}.get(item.get("platform"), item.get("platform"))
    account = item["account"].strip().lower()
    account = account if account.startswith(("@", "id:")) else "@" + account
    row = db.execute(LOOKUP_SQL, (platform, account)).fetchone()
    result = {"platform": platform, "account": account, "verdict": "listed" if row else "clear",
              "list_version": version, "stale": False}
    if row:
        result["entity"] = dict(zip(FIELDS, row))
    return result

def answer(request):
    reply = {"id": request.get("id")}
    if request["type"] == "check":
        reply.update(check(request))
    elif request["type"] == "check_batch":
        reply.update(results=[check(item) for item in request["items"]], list_version=version)
    else:
        reply.update(protocol=1, host_version="python", list={"version": version, "entries": meta["entries"]})
    return reply

stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
while True:
    head = stdin.read(4)
    if len(head) < 4:
        break
    request = json.loads(stdin.read(struct.unpack("=I", head)[0]))
    body = json.dumps(answer(request), separators=(",", ":"), ensure_ascii=False).encode()
    stdout.write(struct.pack("=I", len(body)) + body)
    stdout.flush()
