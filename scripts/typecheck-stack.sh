#!/usr/bin/env bash
# Typechecks sst.config.ts against SST's platform types (.sst/platform, written by `sst install`), without AWS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/sst-install.sh
npx --no-install tsc -p tsconfig.sst.json --noEmit
echo 'typecheck-stack: sst.config.ts is well typed' >&2
