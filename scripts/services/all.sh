#!/usr/bin/env bash
# Runs one subcommand over several services, in the order given (default: postgres oidc kafka s3
# stripe) and stops at the first failure (status goes on and exits non-zero if any is stopped).
#   bash scripts/services/all.sh install postgres oidc
#   eval "$(bash scripts/services/all.sh start postgres oidc)"   # every service's variables
#   bash scripts/services/all.sh stop postgres oidc              # services not running are skipped
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$#" -lt 1 ]; then
  echo "usage: bash $0 {install|start|env|status|stop|smoke|clean} [service...]" >&2
  exit 2
fi
cmd="$1"; shift
[ "$#" -gt 0 ] || set -- postgres oidc kafka s3 stripe
for svc in "$@"; do
  if [ ! -f "$here/$svc.sh" ] || [ "$svc" = all ] || [ "$svc" = lib ]; then
    echo "[all] no such service: $svc" >&2; exit 2
  fi
done
rc=0
for svc in "$@"; do
  if [ "$cmd" = status ]; then
    printf '%-9s ' "$svc"
    bash "$here/$svc.sh" status || rc=$?
  else
    bash "$here/$svc.sh" "$cmd"
  fi
done
exit "$rc"
