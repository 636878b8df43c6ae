/**
 * Gives every operation an overall time budget: upstream calls still running when it expires
 * are aborted (they fail as UPSTREAM_UNAVAILABLE at their own paths), so one slow source cannot
 * hold a response forever.
 */
import type { Plugin } from 'graphql-yoga';
import { withTimeBudget } from '../providers/http.js';

/** @param timeoutMs the budget in milliseconds (config `server.requestTimeoutMs`) */
export function useDeadline(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => withTimeBudget(timeoutMs, () => executeFn(args)));
    },
  };
}
