#!/usr/bin/env bash
# Whole-process comparison of one credential `get`, side by side:
#   adopat (age vault, 20 tokens)  vs  git credential-store (plain file, 20 entries)
# Uses hyperfine when installed (apt-get install hyperfine), else a timed loop.
# Usage: bench/compare.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

CGO_ENABLED=0 go build -trimpath -o "$tmp/git-credential-adopat" ./cmd/git-credential-adopat
export ADOPAT_VAULT="$tmp/vault/vault.age"
: >"$tmp/store"
chmod 600 "$tmp/store"
for i in $(seq 1 20); do
	pat=$(head -c 39 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9' | head -c 52)
	printf '%s' "$pat" | "$tmp/git-credential-adopat" add --org "org$i" >/dev/null
	printf 'https://adopat:%s@dev.azure.com/org%s\n' "$pat" "$i" >>"$tmp/store"
done
printf 'protocol=https\nhost=dev.azure.com\npath=org20/Project/_git/repo\n\n' >"$tmp/req"
printf 'protocol=https\nhost=dev.azure.com\npath=org20\n\n' >"$tmp/req-store"

adopat="$tmp/git-credential-adopat get <$tmp/req"
store="git credential-store --file $tmp/store get <$tmp/req-store"

# Both must answer, or the comparison means nothing.
sh -c "$adopat" | grep -q '^password=' || { echo "adopat gave no answer" >&2; exit 1; }
sh -c "$store" | grep -q '^password=' || { echo "credential-store gave no answer" >&2; exit 1; }

if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 20 --runs "$n" -n adopat-get "sh -c '$adopat'" -n credential-store-get "sh -c '$store'"
	exit
fi
per_run() { # command -> microseconds per run
	local start end
	start=$(date +%s%N)
	for _ in $(seq 1 "$n"); do sh -c "$1" >/dev/null; done
	end=$(date +%s%N)
	echo $(((end - start) / n / 1000))
}
printf '%-24s %10s\n' command "µs/run (n=$n)"
printf '%-24s %10s\n' adopat-get "$(per_run "$adopat")"
printf '%-24s %10s\n' credential-store-get "$(per_run "$store")"
