// Sends N track calls with @customerio/cdp-analytics-node and its default batching
// (15 events a request, a flush every 10 s), then prints one JSON line: the time,
// the CPU and the peak memory of this process, and the events its error handler
// reported. Run by benches/pipelines_vs_node.rs:
//   node send.mjs HOST WRITE_KEY N
//
// The loop gives the event loop a turn every 100 calls, as a server does between
// requests: without it every batch waits until the loop ends, and the client then
// opens thousands of requests at once.
import { Analytics } from '@customerio/cdp-analytics-node';

const [host, writeKey, countText] = process.argv.slice(2);
const count = Number(countText);
const analytics = new Analytics({ writeKey, host });
let failed = 0;
analytics.on('error', () => {
  failed += 1;
});
const started = process.hrtime.bigint();
for (let n = 0; n < count; n += 1) {
  if (n % 100 === 0) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  analytics.track({
    userId: `user-${n}`,
    event: 'signed_up',
    properties: { plan: 'pro', n },
  });
}
await analytics.closeAndFlush({ timeout: 600_000 });
const secs = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    events: count,
    failed,
    secs,
    cpu_secs: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    max_rss_kb: usage.maxRSS,
  }),
);
