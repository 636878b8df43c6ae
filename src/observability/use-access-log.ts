/**
 * The access log: one JSON line per GraphQL operation at `info`, e.g.
 * `{"msg":"operation","operationName":"RecentConversations","operationType":"query",
 * "durationMs":41.2,"upstreamCalls":7,"code":"OK"}`. Never the query text, the variables, the
 * viewer or a header: what a client sent stays out of the log, apart from its operation name.
 */
import type { Plugin } from 'graphql-yoga';
import { pino, type Logger } from 'pino';
import { useOperationReports, type OperationReport, type UpstreamCallsOf } from './operation-reports.js';

export interface AccessLogOptions {
  /** Reads the per-request upstream call counts (logged as `upstreamCalls`, `upstreamRefused`). */
  upstreamCallsOf?: UpstreamCallsOf;
  /**
   * Also given every report, whatever the log level: the operation metrics
   * (`GatewayMetrics.recordOperation`) share this plugin's observer instead of adding a second
   * one to every request. Must not throw.
   */
  onReport?: (report: OperationReport) => void;
}

/** The access-log plugin; put it first among the plugins, so that it sees every operation. */
export function useAccessLog(logger: Logger, options: AccessLogOptions = {}): Plugin {
  const line = plainSibling(logger);
  const also = options.onReport;
  return useOperationReports({
    upstreamCallsOf: options.upstreamCallsOf,
    onReport(report) {
      also?.(report);
      // Checked per line, so that a level changed on the gateway's logger at run time applies.
      if (!logger.isLevelEnabled('info')) return;
      line.info(
        report.upstreamRefused
          ? {
              operationName: report.name,
              operationType: report.type,
              durationMs: report.durationMs,
              upstreamCalls: report.upstreamCalls,
              upstreamRefused: report.upstreamRefused,
              code: report.code,
            }
          : { operationName: report.name, operationType: report.type, durationMs: report.durationMs, upstreamCalls: report.upstreamCalls, code: report.code },
        'operation',
      );
    },
  });
}

/**
 * A logger writing to `logger`'s stream with `logger`'s bindings, without its redaction hooks.
 * The access line is written once per operation, and scrubbing it (path redaction, a deep copy,
 * regular expressions over every string) cost more than building it; nothing in it can carry a
 * credential: its keys are fixed, the operation name is a GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`,
 * checked in operation-reports.ts: no spaces, dots, `:` or `=`, so neither a bearer value, a JWT
 * nor a URL), and the other values are numbers and enum-like words the gateway chose.
 */
function plainSibling(logger: Logger): Logger {
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream | undefined>)[pino.symbols.streamSym];
  return pino({ level: 'trace', base: undefined }, stream).child(logger.bindings());
}
