/**
 * The upstream of `npm run bench:peer`, in its own process: the Dify simulator seeded with one
 * conversation of `BENCH_USER` holding the first ten exchanges of the demo's rollout
 * conversation (20 graph messages, with citations, feedback and a file, as real answers have).
 *
 * Run with `node --import tsx` through `fork()`. It sends `{ origin, apiKey, conversationId,
 * user }` once listening; afterwards each `'count'` message is answered with the number of
 * upstream requests received since the previous one (the log is emptied each time, so it never
 * grows under load).
 */
import { createDifyFixtures, DIFY_LONG_CONVERSATION_ID, type DifyFixtureConversation } from '../../src/demo/simulators/dify/fixtures.js';
import { startDifySimulator } from '../../src/demo/simulators/dify/server.js';

/** The Dify `user` (and gateway viewer) owning the benchmark conversation. */
export const BENCH_USER = 'bench-user';
/** Exchanges of the benchmark conversation. */
export const BENCH_EXCHANGES = 10;

/** Ready message of this process. */
export interface BenchSimulatorReady {
  origin: string;
  apiKey: string;
  conversationId: string;
  user: string;
}

function benchConversation(): DifyFixtureConversation {
  const rollout = createDifyFixtures().find((conversation) => conversation.id === DIFY_LONG_CONVERSATION_ID);
  if (!rollout) throw new Error('the demo rollout conversation is missing from the Dify fixtures');
  const exchanges = rollout.exchanges.slice(0, BENCH_EXCHANGES);
  return { ...rollout, user: BENCH_USER, exchanges, updatedAtMs: exchanges.at(-1)!.createdAtMs + 5_000 };
}

if (process.send) {
  const conversation = benchConversation();
  const simulator = await startDifySimulator({ conversations: [conversation] });
  process.on('message', (message) => {
    if (message !== 'count') return;
    const count = simulator.requests.length;
    simulator.requests.length = 0;
    process.send!({ count });
  });
  process.on('disconnect', () => void simulator.close().then(() => process.exit(0)));
  const ready: BenchSimulatorReady = {
    origin: simulator.origin,
    apiKey: String(simulator.sourceConfig.apiKey),
    conversationId: conversation.id,
    user: BENCH_USER,
  };
  process.send(ready);
}
