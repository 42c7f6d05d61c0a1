"""Test your code against the CardBOSS sandbox, inside your test process.

    from cardboss.testing import Sandbox

    with Sandbox(cards=100, strict=True) as sb:
        with sb.client() as client:
            assert client.customer().cardqty == 100
        sb.advance_clock(3600)        # past a carrier cooldown
        print(sb.ledger())            # what the sandbox accepted

The sandbox is the same server as the `cardboss-sandbox` binary (compiled into this package),
started on free loopback ports of this process: no Rust build, no separate program. Its admin
API is also served over HTTP under ``base_url + "/_sandbox/"``. With pytest, the
``cardboss_sandbox`` fixture (this package's pytest plugin) gives a fresh one to each test.
"""

from cardboss._native import Sandbox

__all__ = ["Sandbox"]
