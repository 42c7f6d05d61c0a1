#!/usr/bin/env bash
# Checks the generated Swift bindings without a Swift toolchain: the files exist, and
# CardBoss.swift declares every method of CardBossClient and CardPager/PushGuard and every free
# function exported by this crate (names taken from the Rust sources, snake_case → camelCase),
# and the batch objects that `batches_object!` declares in src/batches.rs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
swift=$here/swift
fail() {
    echo "check-swift.sh: $*" >&2
    exit 1
}

for f in CardBoss.swift CardBossCore.swift CardBossFFI.h CardBossCoreFFI.h CardBossFFI.modulemap CardBossCoreFFI.modulemap; do
    [[ -s $swift/$f ]] || fail "swift/$f is missing or empty"
done

camel() { awk -F_ '{ printf "%s", $1; for (i = 2; i <= NF; i++) printf "%s", toupper(substr($i, 1, 1)) substr($i, 2); print "" }'; }

# Methods of the exported impl blocks (`impl CardBossClient`, `impl CardPager`, `impl PushGuard`)
# and exported free functions, from the Rust sources.
methods=$(awk '
    /^#\[uniffi::export/ { exported = 1; next }
    exported && /^impl (CardBossClient|CardPager|PushGuard) / { inimpl = 1; exported = 0; next }
    exported && /^pub (async )?fn / { sub(/^pub (async )?fn /, ""); sub(/[(<].*/, ""); print; exported = 0; next }
    exported && !/^#/ { exported = 0 }
    inimpl && /^}/ { inimpl = 0 }
    inimpl && /^    pub (async )?fn / { sub(/^    pub (async )?fn /, ""); sub(/[(<].*/, ""); print }
' "$here"/src/*.rs | grep -v '^new$' | camel | sort -u)

[[ $(wc -l <<<"$methods") -ge 30 ]] || fail "found only $(wc -l <<<"$methods") exported names in src/*.rs; the scan is broken"

missing=()
while read -r name; do
    grep -qE "(func|open func|public func) $name\(" "$swift/CardBoss.swift" || missing+=("$name")
done <<<"$methods"
((${#missing[@]} == 0)) || fail "swift/CardBoss.swift lacks: ${missing[*]}"

# The batch objects (one per record type, declared by a macro in src/batches.rs): each is a
# class whose nextBatch() answers an optional array of its records.
batch_objects=$(sed -nE 's/^    ([A-Z][A-Za-z]*Batches),$/\1/p' "$here/src/batches.rs")
[[ $(wc -w <<<"$batch_objects") -ge 3 ]] || fail "found only $(wc -w <<<"$batch_objects") batch objects in src/batches.rs; the scan is broken"
for t in $batch_objects; do
    record=$(sed -nE "/^    $t,\$/{n;s/^    ([A-Z][A-Za-z]*)\$/\1/p}" "$here/src/batches.rs")
    grep -q "^open class $t:" "$swift/CardBoss.swift" || fail "swift/CardBoss.swift lacks class $t"
    grep -qE "func nextBatch\(\) ?async throws +-> \[$record\]\?" "$swift/CardBoss.swift" \
        || fail "swift/CardBoss.swift lacks $t.nextBatch() -> [$record]?"
done

# The models come from the core's file, and the error from ours.
for t in "struct Customer" "struct CardDetail" "enum PushContent" "enum SmsPush"; do
    grep -q "public $t" "$swift/CardBossCore.swift" || fail "swift/CardBossCore.swift lacks $t"
done
grep -q "^enum CardBossError: Swift.Error" "$swift/CardBoss.swift" || fail "swift/CardBoss.swift lacks CardBossError"
grep -q "init(config: ClientConfig)" "$swift/CardBoss.swift" || fail "swift/CardBoss.swift lacks CardBossClient.init(config:)"

echo "check-swift.sh: swift/CardBoss.swift declares all $(wc -l <<<"$methods") exported methods and functions, and the batch objects ($(echo $batch_objects))"
