#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), as the podnet-guard command does: `npm start` works right after install.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
