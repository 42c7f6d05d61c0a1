"""CardBOSS IoT-SIM-card platform client (API v2.2.2): typed, signed, validated.

    import cardboss

    with cardboss.Client("10043", apikey, base_url="http://host:9011") as client:
        for card in client.iter_cards():
            print(card.msisdn, card.state)

`AsyncClient` has the same methods as coroutines. Every rule of the spec (signing, batching,
retries, cooldowns, decoding, push verification) is in the compiled core, `cardboss._native`;
this package re-exports it. Errors are `CardBossError` subclasses; the SDK logs to the
`logging` logger ``cardboss`` (never the apikey). Durations are milliseconds everywhere
(``timeout_ms=``, ``retry_after_ms``); every option left out is the core's default, and
``Client.from_env()`` reads ``CARDBOSS_SID``, ``CARDBOSS_APIKEY``, ``CARDBOSS_URL`` and
``CARDBOSS_OPS_URL``.
"""

# The compiled module names what it exports (`_native.__all__`): models, code enums, clients,
# pushes; the exceptions are Python classes of their own (`cardboss.errors`). Nothing to keep in
# step here.
from cardboss import _native, errors
from cardboss._native import *  # noqa: F401,F403
from cardboss._native import __version__
from cardboss.errors import *  # noqa: F401,F403

__all__ = list(_native.__all__) + list(errors.__all__)
