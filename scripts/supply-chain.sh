#!/usr/bin/env bash
# Supply-chain checks (docs/security.md, "Supply chain"); fails on any finding:
#   1. cargo-deny over the Rust dependency tree (deny.toml): known vulnerabilities, unsound,
#      unmaintained or yanked crates, licenses outside the allow-list, banned crates (OpenSSL),
#      sources other than crates.io.
#   2. npm audit over the three npm lock files (front-end assets, browser journeys, test OpenID
#      provider), failing on any known vulnerability, low severity included.
#
# The RustSec advisory database is fetched from GitHub when it is reachable; where it is not
# (this project's machines reach only the package registries), the dated snapshot in
# supply-chain/ is used, and its age is printed. A database with no advisories is refused.
#
# npm audit needs the registry's audit endpoint. When that endpoint does not answer, the script
# fails, unless --npm-audit-unreachable=report is given: then it prints that the npm packages
# were NOT checked, and goes on.
#
# Needs cargo-deny on the PATH (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

npm_unreachable=fail
for arg in "$@"; do
    case "$arg" in
        --npm-audit-unreachable=fail) npm_unreachable=fail ;;
        --npm-audit-unreachable=report) npm_unreachable=report ;;
        *) echo "usage: $0 [--npm-audit-unreachable=fail|report]" >&2; exit 2 ;;
    esac
done

# ---- Rust: cargo-deny ------------------------------------------------------------------------

snapshot=supply-chain/rustsec-advisory-db.tar.gz
# The advisory-db commit the snapshot was taken from, and its date (kept as the date of the
# unpacked repository's commit, so that its age is the real one).
snapshot_commit=bf5c0d245a92671908518d7e765914d437954ed6
snapshot_date=2026-08-21T08:28:40+02:00
# A snapshot older than this is refused: refresh it (docs/security.md says how).
max_age_days=${ONSITE_ADVISORY_DB_MAX_AGE_DAYS:-365}

# The folder cargo-deny (0.20) keeps https://github.com/rustsec/advisory-db in.
db="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs/advisory-db-3157b0e258782691"

deny_args=()
if timeout 120 cargo deny fetch db >/dev/null 2>&1; then
    echo "advisory database: fetched from GitHub"
else
    # Offline: the newer of the copy already here (an earlier fetch or unpacking) and the
    # snapshot.
    here=$(git -C "$db" log -1 --format=%ct 2>/dev/null || echo 0)
    if [ "$here" -lt "$(date -d "$snapshot_date" +%s)" ]; then
        rm -rf "$db"
        mkdir -p "$db"
        tar -xzf "$snapshot" -C "$db" --strip-components=1
        git -C "$db" init -q
        git -C "$db" add -A
        GIT_AUTHOR_DATE="$snapshot_date" GIT_COMMITTER_DATE="$snapshot_date" \
            git -C "$db" -c user.name=onsite -c user.email=onsite@localhost \
            commit -q -m "advisory-db $snapshot_commit (snapshot in $snapshot)"
    fi
    dated=$(git -C "$db" log -1 --format=%cI)
    age_days=$(( ($(date +%s) - $(git -C "$db" log -1 --format=%ct)) / 86400 ))
    echo "advisory database: GitHub is not reachable; offline copy of $dated, $age_days days old (refused after $max_age_days)"
    if [ "$age_days" -gt "$max_age_days" ]; then
        echo "error: the advisory database is too old; refresh $snapshot (docs/security.md)" >&2
        exit 1
    fi
    # Everything cargo-deny reads must then come from the local caches.
    cargo fetch --locked --quiet
    deny_args=(--offline)
fi
advisories=$(find "$db/crates" -name 'RUSTSEC-*.md' | wc -l)
echo "advisory database: $advisories advisories"
if [ "$advisories" -lt 500 ]; then
    echo "error: the advisory database at $db holds only $advisories advisories" >&2
    exit 1
fi
cargo deny --locked "${deny_args[@]}" check --hide-inclusion-graph --show-stats

# ---- npm: npm audit --------------------------------------------------------------------------

not_checked=()
for dir in crates/onsite-web/assets tests/e2e tests/oidc-provider; do
    echo "npm audit: $dir"
    report=$(cd "$dir" && npm audit --json --audit-level=low 2>/dev/null) && status=0 || status=$?
    # A report has `auditReportVersion`; anything else is the endpoint's failure.
    if node -e 'process.exit(JSON.parse(process.argv[1]).auditReportVersion ? 0 : 1)' "$report" 2>/dev/null; then
        node -e '
            const r = JSON.parse(process.argv[1]);
            const v = r.metadata.vulnerabilities;
            console.log(`  ${r.metadata.dependencies.total} packages; vulnerabilities: ` +
                Object.entries(v).map(([k, n]) => `${k} ${n}`).join(", "));
            for (const [name, x] of Object.entries(r.vulnerabilities))
                console.log(`  ${x.severity}: ${name} ${x.range}`);' "$report"
        if [ "$status" -ne 0 ]; then
            echo "error: npm audit found known vulnerabilities in $dir (npm audit fix, then commit the lock file)" >&2
            exit 1
        fi
    else
        message=$(node -e 'const r = JSON.parse(process.argv[1]); console.log(r.message || r.error?.summary || "no report")' "$report" 2>/dev/null || echo "no report")
        echo "  the registry's audit endpoint gave no report: $message"
        not_checked+=("$dir")
    fi
done
if [ "${#not_checked[@]}" -gt 0 ]; then
    echo "npm audit: NOT CHECKED (no audit endpoint): ${not_checked[*]}"
    if [ "$npm_unreachable" = fail ]; then
        echo "error: npm packages could not be checked; --npm-audit-unreachable=report accepts that" >&2
        exit 1
    fi
fi
echo "supply chain: done"
