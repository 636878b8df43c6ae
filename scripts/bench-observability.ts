/**
 * What metrics cost: the example operation through a listening gateway on the demo simulators,
 * with `/metrics` off and on, alternated (off, on, off, on) so that drift on a busy machine
 * shows. Every upstream call and operation is counted while metrics are on. Tracing is not in
 * here: off, it loads nothing (test/observability/tracing-off.test.ts checks the import graph).
 *
 *   npm run bench:observability                 # 4 runs of 5 s
 *   BENCH_SECONDS=8 BENCH_CONNECTIONS=16 npm run bench:observability
 */
import { EXAMPLE_OPERATION } from '../src/yoga/yoga.js';
import { describeRun, envNumber, operation, runLoad, startLoadTarget } from './lib/load.js';

const seconds = envNumber('BENCH_SECONDS', 5, 2, 10);
const connections = envNumber('BENCH_CONNECTIONS', 8, 1, 64);

const rates: Record<'off' | 'on', number[]> = { off: [], on: [] };
for (const mode of ['off', 'on', 'off', 'on'] as const) {
  const target = await startLoadTarget({ serverConfig: { metrics: mode === 'on' } });
  try {
    // Warm-up: JIT, pools, the loaders' first calls.
    await runLoad({ url: target.url, connections, duration: 1, requests: [operation(EXAMPLE_OPERATION)] });
    const result = await runLoad({ url: target.url, connections, duration: seconds, requests: [operation(EXAMPLE_OPERATION)] });
    rates[mode].push(result.requests.total / result.duration);
    console.log(`metrics ${mode.padEnd(3)}: ${describeRun(result)}`);
    if (mode === 'on') {
      const text = await (await fetch(`${target.url}/metrics`)).text();
      const series = text.split('\n').filter((line) => line && !line.startsWith('#')).length;
      console.log(`           /metrics: ${series} samples, ${(text.length / 1024).toFixed(1)} KiB`);
    }
  } finally {
    await target.close();
  }
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const change = (mean(rates.on) / mean(rates.off) - 1) * 100;
console.log(`throughput with metrics on: ${change >= 0 ? '+' : ''}${change.toFixed(1)} % against off (mean of ${rates.on.length} runs each)`);
