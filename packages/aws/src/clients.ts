/**
 * Client factories (never module-level instances, so bundles tree-shake and nothing touches the network at import).
 * Only the inventory clients live here: DynamoDB, SNS and EventBridge are imported where first used (runtime-config.ts):
 * a static import here would put them in every function's start-up chunk.
 * No endpoint or credentials are given: the standard chain applies (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_EC2`, …). The `podnet-guard/<version>` user agent lands in CloudTrail's `userAgent`, a second
 * guard against reacting to our own calls.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import packageJson from '../package.json' with { type: 'json' };
import { type Environment, maxAttemptsFromEnv, processEnvironment } from './environment.ts';

export { DEFAULT_MAX_ATTEMPTS } from './environment.ts';

/** The user agent token podnet-guard adds to every call. */
export const USER_AGENT = `podnet-guard/${packageJson.version}`;

/** Settings shared by every client podnet-guard builds. */
export interface CommonClientConfig {
  region?: string;
  retryMode: 'adaptive';
  maxAttempts: number;
  customUserAgent: string;
}

/**
 * The shared client settings: adaptive retry (one account, one deployment: client-side rate limiting suits it),
 * `maxAttempts` from `AWS_MAX_ATTEMPTS` or 5, and the podnet-guard user agent. `region` is left out when not given so
 * the SDK resolves it from the environment or profile.
 *
 * @example
 * ```ts
 * new EC2Client(clientConfig('eu-west-1'));
 * ```
 */
export function clientConfig(region?: string, env: Environment = processEnvironment()): CommonClientConfig {
  const config: CommonClientConfig = {
    retryMode: 'adaptive',
    maxAttempts: maxAttemptsFromEnv(env),
    customUserAgent: USER_AGENT,
  };
  if (region !== undefined) config.region = region;
  return config;
}

/** Builds an EC2 client (region from the standard chain when not given). */
export function createEc2Client(region?: string): EC2Client {
  return new EC2Client(clientConfig(region));
}

/** Builds an EKS client (region from the standard chain when not given). */
export function createEksClient(region?: string): EKSClient {
  return new EKSClient(clientConfig(region));
}

/** Builds an EC2 Auto Scaling client (region from the standard chain when not given). */
export function createAutoScalingClient(region?: string): AutoScalingClient {
  return new AutoScalingClient(clientConfig(region));
}

/** The clients inventory loading needs, all for one region. */
export interface ClientSet {
  ec2: EC2Client;
  eks: EKSClient;
  autoscaling: AutoScalingClient;
}

/**
 * Builds the inventory clients for one region.
 *
 * @example
 * ```ts
 * const clients = createClientSet('us-east-1');
 * const { snapshot } = await loadFullSnapshot(clients, { region: 'us-east-1' });
 * ```
 */
export function createClientSet(region?: string): ClientSet {
  return { ec2: createEc2Client(region), eks: createEksClient(region), autoscaling: createAutoScalingClient(region) };
}

/**
 * A per-region cache of client sets: one set per region for the life of the caller, so connections and the adaptive
 * rate limiter's state are shared between calls to the same region.
 *
 * @example
 * ```ts
 * const clientsFor = createClientCache();
 * clientsFor('eu-west-1') === clientsFor('eu-west-1'); // true
 * ```
 */
export function createClientCache(
  factory: (region: string) => ClientSet = createClientSet,
): (region: string) => ClientSet {
  const cache = new Map<string, ClientSet>();
  return (region) => {
    let clients = cache.get(region);
    if (!clients) {
      clients = factory(region);
      cache.set(region, clients);
    }
    return clients;
  };
}

/**
 * The region the standard chain resolves (`AWS_REGION`, then the profile's `region`), or undefined when none is set.
 * Reads local configuration only; makes no network call.
 */
export async function resolveDefaultRegion(): Promise<string | undefined> {
  const client = new EC2Client(clientConfig());
  try {
    const region = await client.config.region();
    return region === '' ? undefined : region;
  } catch {
    // The SDK throws "Region is missing" when nothing in the chain names one.
    return undefined;
  } finally {
    client.destroy();
  }
}
