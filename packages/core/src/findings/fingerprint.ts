import { createHash } from 'node:crypto';
import type { DetectorId } from '../types/finding.ts';

/**
 * The stable, URL-safe id of a finding: one finding per detector, rule and resource, however many events touch it.
 * `subject` names the resource (and, for reverse grants, the pair of SGs) in a canonical string.
 *
 * @example findingId('node-sg-widening', 'world-open-ingress', 'sg-0d0de000000000001') // 'nsw-7c1f…'
 */
export function findingId(detector: DetectorId, rule: string, subject: string): string {
  const digest = createHash('sha256').update(`${detector}\u0000${rule}\u0000${subject}`).digest('hex').slice(0, 24);
  return `${DETECTOR_PREFIX[detector]}-${digest}`;
}

const DETECTOR_PREFIX: Record<DetectorId, string> = {
  'node-sg-widening': 'nsw',
  'trunk-eni-allocation': 'tea',
  'ip-pool-exhaustion': 'ipe',
};
