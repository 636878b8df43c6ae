/**
 * The access log: one JSON line per GraphQL operation at `info`, e.g.
 * `{"msg":"operation","operationName":"RecentConversations","operationType":"query",
 * "durationMs":41.2,"upstreamCalls":7,"code":"OK"}`. Never the query text, the variables, the
 * viewer or a header: what a client sent stays out of the log, apart from its operation name.
 */
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { useOperationReports, type UpstreamCallsOf } from '../observability/operation-reports.js';

export interface AccessLogOptions {
  /** Reads the per-request upstream call counts (logged as `upstreamCalls`, `upstreamRefused`). */
  upstreamCallsOf?: UpstreamCallsOf;
}

/** The access-log plugin; put it first among the plugins, so that it sees every operation. */
export function useAccessLog(logger: Logger, options: AccessLogOptions = {}): Plugin {
  return useOperationReports({
    upstreamCallsOf: options.upstreamCallsOf,
    onReport(report) {
      logger.info(
        {
          operationName: report.name,
          operationType: report.type,
          durationMs: report.durationMs,
          upstreamCalls: report.upstreamCalls,
          ...(report.upstreamRefused ? { upstreamRefused: report.upstreamRefused } : {}),
          code: report.code,
        },
        'operation',
      );
    },
  });
}
