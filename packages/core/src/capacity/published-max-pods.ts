/**
 * Instance types the limits table lacks but the VPC CNI publishes a maxPods for (eni-max-pods.txt): their
 * default-mode value is known, their ENI layout is not, so nothing that depends on the layout (prefix delegation,
 * custom networking, the SGP trunk) can be computed for them.
 */
import { PodnetGuardError } from '../errors.ts';
import { PUBLISHED_MAX_PODS } from './published-max-pods.generated.ts';

export { PUBLISHED_MAX_PODS };

/** A mode that needs the ENI layout was asked for on a type known only by its published maxPods. */
export class EniLayoutUnknownError extends PodnetGuardError {
  readonly instanceType: string;
  constructor(instanceType: string, mode: string) {
    super(
      `ENI layout unknown for ${instanceType}: only its published default maxPods is known, so ${mode} cannot be computed`,
    );
    this.instanceType = instanceType;
  }
}

/**
 * The VPC CNI's published maxPods (secondary IPs, no cap) of a type the limits table lacks; undefined otherwise.
 *
 * @example
 * publishedMaxPods('trn2.3xlarge'); // 30
 * publishedMaxPods('m5.large'); // undefined: the table knows it, computeMaxPods answers
 */
export function publishedMaxPods(instanceType: string): number | undefined {
  const type = instanceType.trim().toLowerCase();
  return Object.hasOwn(PUBLISHED_MAX_PODS, type) ? PUBLISHED_MAX_PODS[type] : undefined;
}
