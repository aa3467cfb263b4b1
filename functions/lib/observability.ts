/**
 * The Powertools logger and metrics every function sets up the same way (one service name, one namespace), and the
 * middy middlewares that attach them to an invocation. Not an entry point: the deployed functions are the files
 * directly in functions/.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { RecordMetric } from '@podnet-guard/aws';

const SERVICE = 'podnet-guard';
const NAMESPACE = 'PodnetGuard';

/** What an invocation's log lines carry over to the next one. */
export interface LogOptions {
  /** Drops the keys one invocation appended (event ids) before the next one logs. */
  resetKeys?: boolean;
}

/** The function's logger, and the middleware that adds the Lambda context (request id, cold start) to its lines. */
export function createLogging(options: LogOptions = {}) {
  const logger = new Logger({ serviceName: SERVICE });
  const middleware = injectLambdaContext(logger, options.resetKeys ? { resetKeys: true } : undefined);
  return { logger, middlewares: [middleware] };
}

/**
 * The logger and metrics of a function that records metrics: `recordMetric` adds a count (a metric of its own when
 * it has dimensions), `middlewares` attach the context and flush the metrics at the end of each invocation.
 *
 * @example
 * ```ts
 * const { logger, recordMetric, middlewares } = createObservability({ resetKeys: true });
 * export const handler = middy(run).use(middlewares);
 * ```
 */
export function createObservability(options: LogOptions = {}) {
  const logging = createLogging(options);
  const metrics = new Metrics({ namespace: NAMESPACE, serviceName: SERVICE });
  const recordMetric: RecordMetric = (name, value, dimensions) => {
    if (!dimensions) {
      metrics.addMetric(name, MetricUnit.Count, value);
      return;
    }
    const single = metrics.singleMetric();
    for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
    single.addMetric(name, MetricUnit.Count, value);
  };
  return { logger: logging.logger, metrics, recordMetric, middlewares: [...logging.middlewares, logMetrics(metrics)] };
}
