#!/usr/bin/env bash
# Makes `sst install` work without internet beyond the npm registry: SST wants a Bun binary at ~/.config/sst/bin/bun
# (it would download one), and fetches its providers (Pulumi AWS provider packages) from npm into .sst/platform.
# SST_SKIP_DEPENDENCY_CHECK=1 stops it from downloading Pulumi itself, which `install` does not need. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

export SST_SKIP_DEPENDENCY_CHECK=1
export SST_TELEMETRY_DISABLED=1
# `sst install` needs a stage but creates nothing in it.
export SST_STAGE="${SST_STAGE:-typecheck}"

bun_target="${HOME}/.config/sst/bin/bun"
case "$(uname -m)" in
  x86_64 | amd64) bun_package='@oven/bun-linux-x64' ;;
  aarch64 | arm64) bun_package='@oven/bun-linux-aarch64' ;;
  *) echo "sst-install: no Bun package for $(uname -m)" >&2; exit 1 ;;
esac

if [ ! -x "$bun_target" ]; then
  prefix="$(mktemp -d)"
  trap 'rm -rf "$prefix"' EXIT
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "$bun_package" >&2
  mkdir -p "$(dirname "$bun_target")"
  cp "$prefix/node_modules/$bun_package/bin/bun" "$bun_target"
  chmod +x "$bun_target"
fi
"$bun_target" --version >/dev/null

# Always run it: it is quick when .sst/platform is current, and it picks up provider changes in sst.config.ts.
npx --no-install sst install
