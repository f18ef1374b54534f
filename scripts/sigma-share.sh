#!/usr/bin/env bash
# sigma-share.sh: of the process-creation records of the shared corpus that
# SigmaHQ's high and critical process_creation rules flag, the share that
# the default set (built-in rules and command-line checks) flags at medium
# or above, measured end to end through `evtxhunt scan` (the real decoder,
# a 4688's parent command line filled in, 4688/Sysmon 1 pairs merged).
# TestSigmaShare in detections/builtin measures the same on the ground
# truth and guards the floor; this script is the cross-check on the logs.
#
# usage: scripts/sigma-share.sh [SHARED_DIR]   (default: ../shared)
#        EVTXHUNT=/path/to/evtxhunt scripts/sigma-share.sh   (measure another
#        build, e.g. an older revision, instead of building this tree)
# A record is file + EventRecordID + channel. Prints the share, then each
# record missed with the SigmaHQ titles that flag it. Exits 0 with a note
# when the corpus or the SigmaHQ copy is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
sigma=$shared/sigma
corpus=$shared/corpus/evtx
if [ ! -d "$sigma/rules" ] || [ ! -d "$corpus" ]; then
	echo "sigma-share: $sigma/rules or $corpus is absent; nothing to measure" >&2
	exit 0
fi
command -v jq >/dev/null || { echo "sigma-share: needs jq" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${EVTXHUNT:-}" ]; then
	cp "$EVTXHUNT" "$tmp/evtxhunt"
else
	go build -o "$tmp/evtxhunt" ./cmd/evtxhunt
fi

# scan exits 1 when it finds something and 3 when an input is damaged;
# both still write the report.
run() {
	local rc=0
	"$tmp/evtxhunt" "$@" || rc=$?
	case $rc in 0 | 1 | 3) ;; *) echo "sigma-share: evtxhunt $1 failed ($rc)" >&2; exit "$rc" ;; esac
}

reference=(--no-builtin --min-level high
	-r "$sigma/rules" -r "$sigma/rules-emerging-threats" -r "$sigma/rules-threat-hunting"
	--placeholders detections/sigma/testdata/placeholders.yml)
run rules list "${reference[@]}" -f jsonl -o "$tmp/rules.jsonl"
run scan -q --context 0 "${reference[@]}" -f jsonl -o "$tmp/sigmahq.jsonl" "$corpus"
run scan -q --context 0 -f jsonl -o "$tmp/default.jsonl" "$corpus"

# file <TAB> record id <TAB> channel [<TAB> title], one line per record.
jq -r 'select(.logsource | test("/process_creation/")) | .id' "$tmp/rules.jsonl" >"$tmp/ids"
jq -r --rawfile ids "$tmp/ids" '
	($ids | split("\n") | map(select(. != "")) | map({(.): true}) | add) as $proc
	| select($proc[.rule.id]) | .rule.title as $t
	| .records[] | [.SourceFile, (.EventRecordID | tostring), .Channel, $t] | @tsv' \
	"$tmp/sigmahq.jsonl" | sort -u >"$tmp/flagged"
jq -r 'select(.level == "medium" or .level == "high" or .level == "critical")
	| .records[]? | [.SourceFile, (.EventRecordID | tostring), .Channel] | @tsv' \
	"$tmp/default.jsonl" | sort -u >"$tmp/covered"

cut -f1-3 "$tmp/flagged" | sort -u >"$tmp/flagged-records"
total=$(wc -l <"$tmp/flagged-records")
missed=$(comm -23 "$tmp/flagged-records" "$tmp/covered" | tee "$tmp/missed" | wc -l)
if [ "$total" -eq 0 ]; then
	echo "sigma-share: SigmaHQ's high and critical process_creation rules flag no record" >&2
	exit 1
fi
awk -v t="$total" -v m="$missed" 'BEGIN {
	printf "SigmaHQ high/critical process_creation rules flag %d process-creation records; the default set flags %d of them at medium or above: %.1f%%\n", t, t - m, 100 * (t - m) / t }'
# each missed record with the titles that flag it
awk -F'\t' 'NR == FNR { miss[$1 FS $2 FS $3] = 1; next }
	($1 FS $2 FS $3) in miss { k = $1 FS $2 FS $3; titles[k] = (n[k]++ ? titles[k] "; " : "") $4 }
	END { for (k in titles) { split(k, f, FS); printf "missed %s#%s (%s) | %s\n", f[1], f[2], f[3], titles[k] } }' \
	"$tmp/missed" "$tmp/flagged" | sort
