import type { Plugin } from 'esbuild';

export function sdkSchemaLiteralKeys(): Plugin;
declare const plugins: Plugin[];
export default plugins;
export const SDK_SCHEMA_MODULE: RegExp;
