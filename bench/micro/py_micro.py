"""Per-call overhead from Python: cardboss.sign() vs the hashlib one-liner, cardboss.encrypt_sms()
vs the `cryptography` package. Both sides are checked to give the same answer first.
Prints one JSON line: {name: nanoseconds per call (median of REPEAT timings)}."""

import base64
import hashlib
import json
import statistics
import sys
import timeit

import cardboss
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

REPEAT = int(sys.argv[1]) if len(sys.argv) > 1 else 5
SID, APIKEY, TS = "10043", "cardbosssandboxkey0123456789abcd", "20250101120000"
SHORT = [SID, APIKEY, TS, "7"]  # card/list, page 7
BATCH = [SID, APIKEY, TS, ",".join(str(1064870000000 + i) for i in range(100)), ""]  # card/detail
MOBILES, CONTENT = ["1064870303173"], "reboot now"


def hashlib_sign(parts):
    return hashlib.md5("".join(parts).encode()).hexdigest()


def crypto_encrypt(apikey, mobiles, content):
    plain = ("," .join(mobiles) + "##" + content).encode()
    plain += b"\0" * (-len(plain) % 16)
    enc = Cipher(algorithms.AES(apikey[:16].encode()), modes.CBC(apikey[16:].encode())).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


assert cardboss.sign(SHORT) == hashlib_sign(SHORT)
assert cardboss.sign(BATCH) == hashlib_sign(BATCH)
ours, theirs = cardboss.encrypt_sms(APIKEY, MOBILES, CONTENT), crypto_encrypt(APIKEY, MOBILES, CONTENT)
assert ours == theirs, (ours, theirs)
assert cardboss.decrypt_sms(APIKEY, theirs).content == CONTENT

CASES = {
    "sign (4 parts) / cardboss.sign": lambda: cardboss.sign(SHORT),
    "sign (4 parts) / hashlib": lambda: hashlib_sign(SHORT),
    "sign (100 msisdns) / cardboss.sign": lambda: cardboss.sign(BATCH),
    "sign (100 msisdns) / hashlib": lambda: hashlib_sign(BATCH),
    "encrypt_sms / cardboss.encrypt_sms": lambda: cardboss.encrypt_sms(APIKEY, MOBILES, CONTENT),
    "encrypt_sms / cryptography": lambda: crypto_encrypt(APIKEY, MOBILES, CONTENT),
}
out = {}
for name, fn in CASES.items():
    timer = timeit.Timer(fn)
    n, _ = timer.autorange()
    out[name] = statistics.median(t / n * 1e9 for t in timer.repeat(REPEAT, n))
print(json.dumps(out))
