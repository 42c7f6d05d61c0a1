#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/seeds/<target>/ from the spec's
examples (tests/fixtures/spec-examples/*.json, every JSON example of the vendor's document,
plus the two SMS push examples exactly as the document prints them, unescaped quotes and all)
and the cross-language vectors (tests/vectors/*.json). Deterministic; standard library only.

    python3 fuzz/seed.py
"""
import hashlib
import json
import pathlib
import shutil
import urllib.parse

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
EXAMPLES = ROOT / "tests" / "fixtures" / "spec-examples"
VECTORS = ROOT / "tests" / "vectors"
SEEDS = FUZZ / "seeds"

# The SMS push examples of section 3.5.6 as printed (the inner quotes are not escaped).
DOC_SMS_PUSHES = [
    '{\n  "type": "P0001",\n  "data":\n  "[{"mobile":"1064807400778","state":"MA:0041",'
    '"taskId":"F4D1C4634F02ECE6F1A75C67D5067FDA"}]"\n}\n',
    '{\n  "type": "P0002",\n  "data":\n  "[{"mobile":"1064807400778",'
    '"apmid":"259ca6d57cdd46deb0a91c0d6a2551b5","spcode":"1064899102015",'
    '"content":"test 2021-09-15 18:04:33"}]"\n}\n',
]


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The model indices of fuzz_targets/decode_models.rs (`MODELS`): a seed is its JSON prefixed
# with the index of each model it is an example of.
MODEL_INDEX = {name: i for i, name in enumerate([
    "Customer", "Card", "CardPage", "CardDetail", "CurrentUsage", "MonthlyUsage", "ArrearsCard",
    "ArrearsPage", "Package", "PackageList", "DayUsage", "DailyUsage", "Pool", "RenewalOrder",
    "RenewOptions", "SmsReceipt", "SmsReport", "SmsReply", "RenewalResult", "UsageWarning"])}
MODELS_OF = {
    "3.1.1": ["Customer"], "3.2.1": ["CardPage", "Card"], "3.2.2": ["CardDetail"],
    "3.2.3": ["CurrentUsage"], "3.2.4": ["MonthlyUsage"], "3.2.5": ["ArrearsPage", "ArrearsCard"],
    "3.2.6": ["PackageList", "Package"], "3.2.7": ["DailyUsage", "DayUsage"], "3.3.1": ["Pool"],
    "3.4.1": ["RenewalOrder", "RenewOptions"], "3.5.1": ["SmsReceipt"], "3.5.2": ["SmsReceipt"],
    "3.5.5": ["SmsReceipt"], "3.5.3": ["SmsReport"], "3.5.4": ["SmsReply"],
    "3.5.6-push-p0001": ["SmsReport"], "3.5.6-push-p0002": ["SmsReply"], "4.2": ["RenewalResult"],
    "push_sign.od1010": ["UsageWarning"], "push_sign": ["RenewalResult"],
}


def write_model(name, data):
    """One seed per model the file is an example of (all models for the rest, e.g. failures)."""
    key = max((k for k in MODELS_OF if name.startswith(k)), key=len, default=None)
    models = MODELS_OF[key] if key else list(MODEL_INDEX)
    for model in models:
        write("decode_models", f"{MODEL_INDEX[model]:02}-{name}", bytes([MODEL_INDEX[model]]) + data.encode("utf-8"))


def models():
    """Whole answers, their payloads, and every record inside them."""
    for path in sorted(EXAMPLES.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        stem = path.stem
        write_model(f"{stem}.json", text)
        value = json.loads(text)
        payloads = []
        for key in ("result", "customer", "data"):
            if isinstance(value, dict) and key in value:
                payload = value[key]
                if isinstance(payload, str):
                    try:
                        payload = json.loads(payload)
                    except ValueError:
                        continue
                payloads.append((key, payload))
        for key, payload in payloads:
            write_model(f"{stem}.{key}.json", compact(payload))
            records = payload if isinstance(payload, list) else [
                r for v in (payload.values() if isinstance(payload, dict) else [])
                if isinstance(v, list) for r in v
            ]
            for i, record in enumerate(records):
                write_model(f"{stem}.{key}.{i}.json", compact(record))
    for case in json.loads((VECTORS / "push_sign.json").read_text(encoding="utf-8")):
        write_model(f"push_sign.{case['name']}.data.json", case["data"])


def pushes():
    example = EXAMPLES / "4.2-push-od1002.json"
    write("verify_push", "4.2-push-od1002.json", example.read_bytes())
    for case in json.loads((VECTORS / "push_sign.json").read_text(encoding="utf-8")):
        name = case["name"]
        write("verify_push", f"{name}.json", case["body"])
        fields = {k: case[k] for k in ("sid", "id", "sn", "level", "api", "time", "data", "desc", "sign")}
        form = urllib.parse.urlencode([(k, "" if v is None else v) for k, v in fields.items()])
        write("verify_push", f"{name}.form", form)
        # `data` as an object, as the document's example shows it (signed over its text).
        try:
            data = json.loads(case["data"])
        except ValueError:
            continue
        obj = dict(fields, data="__DATA__")
        text = compact(data)
        parts = [obj["sid"], case["apikey"], obj["id"], obj["sn"], obj["level"], obj["api"] or "",
                 obj["time"], text, obj["desc"] or ""]
        obj["sign"] = hashlib.md5("".join(parts).encode("utf-8")).hexdigest().upper()
        body = compact(obj).replace('"__DATA__"', text)
        write("verify_push", f"{name}.data-object.json", body)


def sms_pushes():
    for path in sorted(EXAMPLES.glob("3.5.6-*.json")):
        text = path.read_text(encoding="utf-8")
        write("parse_sms_push", path.name, text)
        value = json.loads(text)
        value["data"] = json.loads(value["data"])
        write("parse_sms_push", f"{path.stem}.data-array.json", compact(value))
    for i, text in enumerate(DOC_SMS_PUSHES):
        write("parse_sms_push", f"document-unescaped-{i}.json", text)


def encrypted():
    for case in json.loads((VECTORS / "sms_encrypt.json").read_text(encoding="utf-8")):
        write("decrypt_sms", f"{case['name']}.b64", case["base64"])
        write("decrypt_sms", f"{case['name']}.wrapped.b64", case["base64_wrapped"])
        write("decrypt_sms", f"{case['name']}.plain", case["plaintext"])


if __name__ == "__main__":
    shutil.rmtree(SEEDS, ignore_errors=True)
    models()
    pushes()
    sms_pushes()
    encrypted()
    for folder in sorted(SEEDS.iterdir()):
        print(f"{folder.name}: {len(list(folder.iterdir()))} seeds")
