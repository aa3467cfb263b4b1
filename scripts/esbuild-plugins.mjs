// esbuild plugins for the Lambda bundles, shared by the stack (sst.config.ts `nodejs.plugins`) and scripts/bundle.ts.
// Plain JavaScript: SST loads this file itself.
import { readFile } from 'node:fs/promises';

/**
 * The AWS SDK's schema modules (`@aws-sdk/client-*\/dist-es/schemas/schemas_0.js`) write member traits with computed
 * keys, `{ [_xN]: _bC }`, where `_xN` is a module constant (`const _xN = "xmlName"`). esbuild cannot prove a computed
 * key free of side effects, so it keeps every schema of the service, used or not: 540 KiB of EC2 schemas in a bundle
 * that sends a dozen EC2 commands. Writing those keys as the string literals they stand for lets tree shaking drop the
 * unused schemas; the objects built are the same.
 */
export function sdkSchemaLiteralKeys() {
  return {
    name: 'sdk-schema-literal-keys',
    setup(build) {
      // The filter is `.*` and the path is tested inside: SST 4's plugin bridge (.sst/platform/functions/nodejs-runtime/
      // plugin.mjs) tests each filter against the message instead of its path, so a narrower filter never matches
      // there and the plugin would silently do nothing in deployed bundles (test/stack/sst-plugins.test.ts).
      build.onLoad({ filter: /.*/ }, async (args) => {
        if (!SDK_SCHEMA_MODULE.test(args.path)) return undefined;
        const text = await readFile(args.path, 'utf8');
        const strings = new Map();
        for (const match of text.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(match[1], match[2]);
        const contents = text.replace(/\[(_\w+)\]:/g, (whole, name) =>
          strings.has(name) ? `${strings.get(name)}:` : whole,
        );
        return { contents, loader: 'js' };
      });
    },
  };
}

/** `@aws-sdk/client-*\/dist-es/schemas/schemas_N.js`. */
export const SDK_SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

export default [sdkSchemaLiteralKeys()];
