#!/usr/bin/env bash
# Supply-chain checks (docs/security.md, "Supply chain"); fails on any finding:
#   1. cargo-deny over the Rust dependency tree (deny.toml): known vulnerabilities, unsound,
#      unmaintained or yanked crates, licenses outside the allow-list, banned crates (OpenSSL),
#      sources other than crates.io.
#   2. npm audit over the three npm lock files (front-end assets, browser journeys, test OpenID
#      provider), failing on any known vulnerability, low severity included.
#
# The RustSec advisory database comes from, in this order: GitHub (cargo-deny fetches it), an
# archive of it named by ONSITE_ADVISORY_DB_ARCHIVE (default: ../shared/rustsec-advisory-db.tar.gz
# beside the checkout, where the steering repository can place a dated copy; the archive's
# newest file date is taken as its age), or a copy already in cargo-deny's folder from an
# earlier fetch. Its age and size are printed; one older than ONSITE_ADVISORY_DB_MAX_AGE_DAYS
# (365) or with fewer than 500 advisories is refused. With none of them the advisories are NOT
# checked (said in capitals), and the script fails unless --advisories-unreachable=report.
#
# npm audit needs the registry's audit endpoint. When that endpoint does not answer, the script
# fails, unless --npm-audit-unreachable=report is given: then it prints that the npm packages
# were NOT checked, and goes on.
#
# Needs cargo-deny on the PATH (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

npm_unreachable=fail
advisories_unreachable=fail
for arg in "$@"; do
    case "$arg" in
        --npm-audit-unreachable=fail) npm_unreachable=fail ;;
        --npm-audit-unreachable=report) npm_unreachable=report ;;
        --advisories-unreachable=fail) advisories_unreachable=fail ;;
        --advisories-unreachable=report) advisories_unreachable=report ;;
        *) echo "usage: $0 [--npm-audit-unreachable=fail|report] [--advisories-unreachable=fail|report]" >&2; exit 2 ;;
    esac
done

# ---- Rust: cargo-deny ------------------------------------------------------------------------

archive=${ONSITE_ADVISORY_DB_ARCHIVE:-../shared/rustsec-advisory-db.tar.gz}
max_age_days=${ONSITE_ADVISORY_DB_MAX_AGE_DAYS:-365}
# The folder cargo-deny (0.20) keeps https://github.com/rustsec/advisory-db in.
db="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs/advisory-db-3157b0e258782691"

deny_args=()
checks=(advisories licenses bans sources)
if timeout 120 cargo deny fetch db >/dev/null 2>&1; then
    echo "advisory database: fetched from GitHub"
else
    if [ -f "$archive" ]; then
        # Unpacked as a git repository dated with the archive's newest file, so that cargo-deny
        # and the age check below see its real age.
        newest=$(tar -tvzf "$archive" | awk '{print $4" "$5}' | sort | tail -1)
        rm -rf "$db"
        mkdir -p "$db"
        tar -xzf "$archive" -C "$db" --strip-components=1
        git -C "$db" init -q
        git -C "$db" add -A
        GIT_AUTHOR_DATE="$newest" GIT_COMMITTER_DATE="$newest" \
            git -C "$db" -c user.name=onsite -c user.email=onsite@localhost \
            commit -q -m "advisory-db from $archive"
        echo "advisory database: GitHub is not reachable; unpacked $archive"
    fi
    if git -C "$db" log -1 >/dev/null 2>&1; then
        dated=$(git -C "$db" log -1 --format=%cI)
        age_days=$(( ($(date +%s) - $(git -C "$db" log -1 --format=%ct)) / 86400 ))
        echo "advisory database: offline copy of $dated, $age_days days old (refused after $max_age_days)"
        if [ "$age_days" -gt "$max_age_days" ]; then
            echo "error: the advisory database is too old (docs/security.md says how to refresh it)" >&2
            exit 1
        fi
    else
        checks=(licenses bans sources)
        echo "advisory database: NOT CHECKED (GitHub is not reachable and there is no offline copy; see docs/security.md)"
        if [ "$advisories_unreachable" = fail ]; then
            echo "error: no advisory database; --advisories-unreachable=report accepts that" >&2
            exit 1
        fi
    fi
    # Everything cargo-deny reads must then come from the local caches.
    cargo fetch --locked --quiet
    deny_args=(--offline)
fi
if [ "${checks[0]}" = advisories ]; then
    advisories=$(find "$db/crates" -name 'RUSTSEC-*.md' | wc -l)
    echo "advisory database: $advisories advisories"
    if [ "$advisories" -lt 500 ]; then
        echo "error: the advisory database at $db holds only $advisories advisories" >&2
        exit 1
    fi
fi
cargo deny --locked "${deny_args[@]}" check --hide-inclusion-graph --show-stats "${checks[@]}"

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
