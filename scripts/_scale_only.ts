import { benchScale } from './bench-scale.ts';
await benchScale();
