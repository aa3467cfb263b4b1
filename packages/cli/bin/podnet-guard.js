#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx podnet-guard` works in a fresh clone right after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/bin.ts');
