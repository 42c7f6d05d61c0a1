"""One fleet sync through the Python package, for bench/fleet-memory.sh: default options, the
records counted and dropped (so that what stays is the SDK's), the report checked.
Arguments: BASE_URL OPS_URL SID APIKEY CARDS. Prints one JSON line; exits 1 if the sync is not
complete with exactly CARDS cards."""

import json
import sys
import time

import cardboss

base_url, ops_url, sid, apikey, cards = sys.argv[1:6]
started = time.monotonic()
with cardboss.Client(sid, apikey, base_url=base_url, ops_url=ops_url) as client:
    sync = client.fleet_sync()
    delivered = sum(len(batch) for batch in sync)
    report = sync.report
ok = report.complete and report.cards == delivered == int(cards) and report.duplicates == 0
print(json.dumps({"lang": "python", "cards": delivered, "requests": report.requests,
                  "secs": round(time.monotonic() - started, 2), "ok": ok}))
sys.exit(0 if ok else 1)
