/**
 * What the process does with a failure nothing caught (installed by the CLI only):
 *
 * - `unhandledRejection`: logged at error level; the gateway keeps serving. A rejected promise
 *   nobody awaited is a fault of the code that dropped it, not a state the rest of the process
 *   depends on, so one client's request never takes every other client down with it (Node's
 *   own default since v15 is to exit).
 * - `uncaughtException`: logged at fatal level, then the process exits with status 1. Node's
 *   documentation says it is not safe to resume after one (state may be half-updated); a
 *   supervisor (systemd, Kubernetes, compose's `restart:`) starts a clean process.
 */
import type { Logger } from 'pino';

/**
 * Installs both handlers.
 * @param exit how the process ends after an uncaught exception (tests replace it)
 */
export function installProcessPolicy(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection: still serving');
  });
  process.on('uncaughtException', (error, origin) => {
    logger.fatal({ err: error, origin }, 'uncaught exception: exiting');
    // pino's exit hook writes what is still buffered before the process ends.
    exit(1);
  });
}
