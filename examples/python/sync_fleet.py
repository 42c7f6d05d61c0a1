"""Sync a whole fleet's details and usage in flat memory: every card id, then the details and
this month's usage batch by batch (100 records at a time, fetched ahead in the background),
each batch summed up and dropped before the next.

    python sync_fleet.py            # Client
    python sync_fleet.py --async    # AsyncClient
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter

import cardboss
from _config import async_client, client


class Totals:
    def __init__(self) -> None:
        self.by_status: Counter[str] = Counter()
        self.kb = 0.0
        self.usages = 0

    def details(self, batch: list[cardboss.CardDetail]) -> None:
        self.by_status.update(d.status or "?" for d in batch)

    def usage(self, batch: list[cardboss.CurrentUsage]) -> None:
        self.kb += sum(u.flowusage for u in batch)
        self.usages += len(batch)

    def report(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in self.by_status.most_common())
        return f"{sum(self.by_status.values())} cards ({statuses}); {self.kb / 1024:.1f} MB used this month"


def main_sync() -> None:
    totals = Totals()
    with client() as c:
        msisdns = [card.msisdn for card in c.iter_cards()]
        for details in c.card_detail_batches(msisdns=msisdns):
            totals.details(details)
        for usage in c.current_usage_batches(msisdns=msisdns):
            totals.usage(usage)
    print(totals.report())


async def main_async() -> None:
    totals = Totals()
    async with async_client() as c:
        msisdns = [card.msisdn async for card in c.iter_cards()]
        async for details in c.card_detail_batches(msisdns=msisdns):
            totals.details(details)
        async for usage in c.current_usage_batches(msisdns=msisdns):
            totals.usage(usage)
    print(totals.report())


if __name__ == "__main__":
    try:
        if "--async" in sys.argv:
            asyncio.run(main_async())
        else:
            main_sync()
    except cardboss.CardBossError as e:
        sys.exit(f"failed: {e} (code {e.code})")
