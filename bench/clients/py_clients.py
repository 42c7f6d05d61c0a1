"""The Python rows of the benchmark: one fleet sync per process, one JSON line on stdout.

    python py_clients.py MODE BASE_URL SID APIKEY CONCURRENCY

MODE is one of
  sdk-sync   cardboss.Client: iter_cards(), card_details(), current_usage()
  sdk-async  cardboss.AsyncClient: the same, awaited
  sdk-fleet  cardboss.Client.fleet_sync(): the same requests in one call, pipelined (details and
             usage of a batch fetched while the list goes on), merged records batch by batch
  requests   what the vendor's samples do: one signed GET at a time (requests.Session, so at
             least the connection is kept alive), json() on each answer
  httpx      httpx.AsyncClient, CONCURRENCY requests in flight (asyncio workers), json() on each
  bulk-sdk   (the bulk rows) cardboss.Client.bulk("suspend", ...) over the msisdns of the file
             $BENCH_IDS, lifecycle operations to $BENCH_OPS_URL
  bulk-requests  the same suspends as the vendor's samples send them: one signed POST of
             card/stopkeep at a time (requests.Session, form body)

Every fleet mode does the same work: every page of card/list, then card/detail and
card/usage/current for every card, in batches of 100. The alternatives sign exactly as the spec
says (md5 of sid + apikey + ts + params, ts yyyyMMddHHmmss in UTC+8), send the unused `iccids`
as an empty value, read the card id under either of its names (`msisdn` or the example's
`msisdns`), and fail on any answer whose code is not "0". Only the modules a mode needs are
imported, so that its peak RSS is its own.
"""

from __future__ import annotations

import json
import sys
import time

PAGE = 100


MARKS: list[float] = []


def mark() -> None:
    """End of a phase (list, details); the phases' times go in the report, for profiling."""
    MARKS.append(time.perf_counter())


def report(started: float, card_ids: list[str], detail_ids: list[str], usage_ids: list[str]) -> None:
    end = time.perf_counter()
    seconds = end - started
    bounds = [started, *MARKS, end]
    phases = [round(b - a, 4) for a, b in zip(bounds, bounds[1:])]
    unique = set(card_ids)
    print(
        json.dumps(
            {
                "cards": len(card_ids),
                "unique": len(unique),
                "details": len(detail_ids),
                "usages": len(usage_ids),
                "details_match": set(detail_ids) == unique,
                "usages_match": set(usage_ids) == unique,
                "seconds": seconds,
                "phases": phases,
            }
        )
    )


# ------------------------------------------------------------------------------------ the SDK


def sdk_sync(base_url: str, sid: str, apikey: str, concurrency: int) -> None:
    import cardboss

    with cardboss.Client(sid, apikey, base_url=base_url, concurrency=concurrency) as client:
        started = time.perf_counter()
        ids = [card.msisdn for card in client.iter_cards()]
        mark()
        details = client.card_details(msisdns=ids)
        mark()
        usages = client.current_usage(msisdns=ids)
        report(started, ids, [d.msisdn for d in details], [u.msisdn for u in usages])


def sdk_fleet(base_url: str, sid: str, apikey: str, concurrency: int) -> None:
    import cardboss

    with cardboss.Client(sid, apikey, base_url=base_url, concurrency=concurrency) as client:
        started = time.perf_counter()
        ids: list[str] = []
        details: list[str] = []
        usages: list[str] = []
        sync = client.fleet_sync()
        for batch in sync:
            for r in batch:
                ids.append(r.msisdn)
                if r.detail_found:
                    details.append(r.msisdn)
                if r.usage_found:
                    usages.append(r.msisdn)
        if not sync.report.complete:
            raise SystemExit(f"fleet_sync incomplete: {sync.report}")
        report(started, ids, details, usages)


def sdk_async(base_url: str, sid: str, apikey: str, concurrency: int) -> None:
    import asyncio

    import cardboss

    async def main() -> None:
        async with cardboss.AsyncClient(
            sid, apikey, base_url=base_url, concurrency=concurrency
        ) as client:
            started = time.perf_counter()
            ids = [card.msisdn async for card in client.iter_cards()]
            mark()
            details = await client.card_details(msisdns=ids)
            mark()
            usages = await client.current_usage(msisdns=ids)
            report(started, ids, [d.msisdn for d in details], [u.msisdn for u in usages])

    asyncio.run(main())


# ------------------------------------------------------------------- what users write instead

PATH = "/iotapi/rest/v2/"


def ts_utc8() -> str:
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone(timedelta(hours=8))).strftime("%Y%m%d%H%M%S")


def signed(sid: str, apikey: str, params: list[tuple[str, str]]) -> dict[str, str]:
    """The query of one GET: sid, sign, ts and the params, signed in the order given."""
    import hashlib

    ts = ts_utc8()
    sign = hashlib.md5((sid + apikey + ts + "".join(v for _, v in params)).encode()).hexdigest()
    return {"sid": sid, "sign": sign, "ts": ts, **dict(params)}


def result_of(body: dict) -> dict:
    if str(body.get("code")) != "0":
        raise SystemExit(f"CardBOSS refused: {body.get('code')} {body.get('msg')}")
    return body["result"]


def card_id(card: dict) -> str:
    return card.get("msisdn") or card.get("msisdns") or ""


def batches(ids: list[str]) -> list[str]:
    return [",".join(ids[i : i + PAGE]) for i in range(0, len(ids), PAGE)]


def with_requests(base_url: str, sid: str, apikey: str, concurrency: int) -> None:
    import requests

    session = requests.Session()

    def get(endpoint: str, params: list[tuple[str, str]]) -> dict:
        r = session.get(base_url + PATH + endpoint, params=signed(sid, apikey, params), timeout=30)
        r.raise_for_status()
        return result_of(r.json())

    started = time.perf_counter()
    first = get("card/list", [("pageindex", "1")])
    cards = list(first["cards"])
    for page in range(2, int(first["totalpage"]) + 1):
        cards.extend(get("card/list", [("pageindex", str(page))])["cards"])
    ids = [card_id(c) for c in cards]
    mark()
    details: list[dict] = []
    usages: list[dict] = []
    for batch in batches(ids):
        details.extend(get("card/detail", [("msisdns", batch), ("iccids", "")])["cards"])
    mark()
    for batch in batches(ids):
        usages.extend(get("card/usage/current", [("msisdns", batch), ("iccids", "")])["usages"])
    report(started, ids, [d["msisdn"] for d in details], [u["msisdn"] for u in usages])


def with_httpx(base_url: str, sid: str, apikey: str, concurrency: int) -> None:
    import asyncio

    import httpx

    async def main() -> None:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as http:

            async def get(endpoint: str, params: list[tuple[str, str]]) -> dict:
                r = await http.get(PATH + endpoint, params=signed(sid, apikey, params))
                r.raise_for_status()
                return result_of(r.json())

            async def pool(jobs: list, run) -> list:
                """`concurrency` workers over `jobs`; results in job order."""
                results: list = [None] * len(jobs)
                queue = list(enumerate(jobs))
                queue.reverse()

                async def worker() -> None:
                    while queue:
                        i, job = queue.pop()
                        results[i] = await run(job)

                await asyncio.gather(*(worker() for _ in range(concurrency)))
                return results

            started = time.perf_counter()
            first = await get("card/list", [("pageindex", "1")])
            pages = await pool(
                list(range(2, int(first["totalpage"]) + 1)),
                lambda p: get("card/list", [("pageindex", str(p))]),
            )
            ids = [card_id(c) for page in [first, *pages] for c in page["cards"]]
            mark()
            details = await pool(
                batches(ids), lambda b: get("card/detail", [("msisdns", b), ("iccids", "")])
            )
            mark()
            usages = await pool(
                batches(ids),
                lambda b: get("card/usage/current", [("msisdns", b), ("iccids", "")]),
            )
            report(
                started,
                ids,
                [d["msisdn"] for r in details for d in r["cards"]],
                [u["msisdn"] for r in usages for u in r["usages"]],
            )

    asyncio.run(main())


# ------------------------------------------------------------------------------------ bulk


def bulk_report(started: float, cards: int, done: int) -> None:
    print(json.dumps({"cards": cards, "done": done, "seconds": time.perf_counter() - started}))


def bulk_ids() -> tuple[str, list[str]]:
    import os

    with open(os.environ["BENCH_IDS"]) as f:
        return os.environ["BENCH_OPS_URL"], [line.strip() for line in f if line.strip()]


def bulk_sdk(base_url: str, sid: str, apikey: str, concurrency: int) -> None:
    import cardboss

    ops_url, ids = bulk_ids()
    with cardboss.Client(sid, apikey, base_url=base_url, ops_url=ops_url, concurrency=concurrency) as client:
        started = time.perf_counter()
        report = client.bulk("suspend", msisdns=ids)
        bulk_report(started, report.cards, report.done)


def bulk_requests(base_url: str, sid: str, apikey: str, concurrency: int) -> None:
    import hashlib

    import requests

    ops_url, ids = bulk_ids()
    session = requests.Session()
    started = time.perf_counter()
    done = 0
    for msisdn in ids:
        ts = ts_utc8()
        # 3.4.4 card/stopkeep: sign = md5(sid + apikey + ts + msisdn + iccid + stopkeep).
        sign = hashlib.md5((sid + apikey + ts + msisdn + "" + "0").encode()).hexdigest()
        form = {"sid": sid, "sign": sign, "ts": ts, "msisdn": msisdn, "iccid": "", "stopkeep": "0"}
        r = session.post(ops_url + PATH + "card/stopkeep", data=form, timeout=30)
        r.raise_for_status()
        body = r.json()
        if str(body.get("code")) != "0":
            raise SystemExit(f"card/stopkeep refused {msisdn}: {body.get('code')} {body.get('msg')}")
        done += 1
    bulk_report(started, len(ids), done)


MODES = {
    "bulk-sdk": bulk_sdk,
    "bulk-requests": bulk_requests,
    "sdk-sync": sdk_sync,
    "sdk-async": sdk_async,
    "sdk-fleet": sdk_fleet,
    "requests": with_requests,
    "httpx": with_httpx,
}

if __name__ == "__main__":
    mode, base_url, sid, apikey, concurrency = sys.argv[1:6]
    MODES[mode](base_url, sid, apikey, int(concurrency))
