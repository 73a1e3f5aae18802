/**
 * `npm run bench`: the numbers the issues ask for, measured here rather than
 * asserted in timed tests (machines are noisy). Prints a report and writes
 * reports/bench.json.
 */
import './environment';
import { mkdirSync, writeFileSync } from 'node:fs';
import { measureBundles } from './bundle-sizes';
import { measureChaos } from './chaos';
import { measureWaveScale } from './wave-scale';
import { DEPLOYED_WRITE_SPACING_MS, DISPATCHER_MEMORY_MB, measureDailyOperation, measureWaveUnderLimits, monthlyCost, SLOTS_PER_DAY, WAVE_SHAPES, writeSpacingCost } from './aws-scale';
import { measureGitHubDispatch } from './github-dispatch';
import { measureDashboard } from './monitoring';
import { measureConsole } from './console';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;
// Parts to run (bundles, wave, aws, github, monitoring, chaos, console; all when none is named; `cost`: aws's cost model alone, without its waves),
// the chaos run's options (--rounds=N --seed=N --logs=<dir>), the github part's (--triggers=N --latency-ms=N --paced-triggers=N)
// and the monitoring part's (--history=N finished publications, 100,000 by default).
const args = process.argv.slice(2);
const only = args.filter((arg) => !arg.startsWith('--'));
const textOption = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const option = (name: string) => {
  const value = textOption(name);
  return value === undefined ? undefined : Number(value);
};
const wants = (part: string) => only.length === 0 || only.includes(part);
const report: Record<string, unknown> = { node: process.version, at: new Date().toISOString() };

if (wants('bundles')) {
  const bundles = await measureBundles();
  report.bundles = bundles;
  console.log('\nFunction bundles (deployed esbuild options; cold import = median of 3 fresh Node processes)');
  console.log(`${'function'.padEnd(26)}${'size'.padStart(10)}${'cold import'.padStart(14)}`);
  for (const b of bundles) console.log(`${b.name.padEnd(26)}${kb(b.bytes).padStart(10)}${ms(b.coldImportMs).padStart(14)}`);
  const largest = Math.max(...bundles.map((b) => b.bytes));
  console.log(`largest ${kb(largest)}; every bundle under 1 MB: ${largest < 1024 * 1024 ? 'yes' : 'NO'}; under 500 KB: ${largest < 500 * 1024 ? 'yes' : 'no'}`);
}

if (wants('wave')) {
  const wave = await measureWaveScale();
  report.wave = wave;
  const d = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort()
      .map(([name, n]) => `${name.replace('Command', '')} ${n}`)
      .join(', ');
  console.log(`\nStaggered wave: ${wave.videos} videos x ${wave.channels} channels = ${wave.publications} publications (embedded DynamoDB)`);
  console.log(`accept (POST /schedule-wave): ${wave.accept.status} in ${ms(wave.accept.wallMs)}`);
  console.log(`  DynamoDB: ${d(wave.accept.dynamodb)}`);
  console.log(`  BatchWriteItem: ${wave.accept.dynamodb.BatchWriteItemCommand ?? 0} calls for ${wave.accept.batchWriteItems} items (minimum for the publications: ceil(${wave.publications}/25) = ${wave.minimum.batchWrites}); Scan: ${wave.accept.dynamodb.ScanCommand ?? 0}`);
  console.log(`  Scheduler CreateSchedule: ${wave.accept.schedules} (minimum: one per slot = ${wave.minimum.schedules})`);
  console.log(`fire every slot (${wave.fire.slots} slot targets): ${ms(wave.fire.wallMs)}`);
  console.log(`  DynamoDB: ${d(wave.fire.dynamodb)}`);
  console.log(`  SQS SendMessageBatch: ${wave.fire.sendMessageBatch} calls, ${wave.fire.messages} messages (minimum: ceil(${wave.publications}/10) = ${wave.minimum.sends})`);
}

const d = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort()
    .map(([name, n]) => `${name.replace('Command', '')} ${n}`)
    .join(', ');
const awsReport: Record<string, unknown> = {};

if (wants('aws')) {
  console.log('\nA 10,000-publication wave (simultaneous, shift; gaps and daily caps bind) in one POST /schedule-wave');
  console.log('embedded: dynalite alone; simulated: AWS limits and latency (docs/simulated-aws.md)');
  const waves = [];
  for (const shape of WAVE_SHAPES) {
    for (const simulated of [false, true]) {
      const run = await measureWaveUnderLimits(shape, simulated);
      waves.push(run);
      console.log(`${run.shape.padEnd(11)} ${simulated ? 'simulated' : 'embedded '}  ${run.status} in ${ms(run.wallMs)}: ${run.publications} publications, ${run.slots} slots`);
      console.log(`  DynamoDB calls: ${d(run.dynamodbCalls)}`);
      if (run.aws) {
        const db = run.aws.dynamodb;
        const busiest = db.busiestPartition;
        console.log(`  AWS attempts: ${d(run.aws.calls)}`);
        console.log(`  write units ${db.wcu.toLocaleString('en-US')} (table ${db.table.wcu.toLocaleString('en-US')}, peak ${db.table.peakWcuPerSecond}/s of 4,000), read units ${db.rcu.toLocaleString('en-US')}`);
        console.log(`  busiest partition: ${busiest ? `${busiest.index} ${busiest.key} at ${busiest.wcuPerSecond} WCU/s (limit 1,000)` : 'none'}; throttled requests ${db.throttled.total}${db.throttled.total ? ` (${d(db.throttled.byReason)})` : ''}; largest item ${kb(db.largestItemBytes)}`);
      }
    }
  }
  awsReport.waves = waves;
}

if (wants('aws') || only.includes('cost')) {
  console.log('\nThe cost model\'s day: 1,000 channels x 10 publications (docs/operations.md "Monthly cost"), each phase measured once, simulated');
  const day = await measureDailyOperation();
  for (const p of day.phases) {
    console.log(`${p.phase}: x${p.perDay}/day, ${ms(p.wallMs)}, ${p.lambdaInvocations} invocation(s) at ${p.memoryMb} MB, ${p.wcu.toLocaleString('en-US')} WCU, ${p.rcu.toLocaleString('en-US')} RCU, ${p.sqsMessages} messages, ${p.httpRequests} HTTP requests`);
    console.log(`  ${d(p.calls)}`);
  }
  const g = day.dispatch;
  const list = (counts: Record<string, number>) => Object.entries(counts).map(([name, n]) => `${name} ${n}`).join(', ') || 'none';
  console.log(`dispatch: ${g.triggers} triggers at ${g.pacing.perMinute}/min and ${g.pacing.perHour}/h; sent back to wait for the pacer: ${g.requeued}; GitHub requests ${g.githubRequests} (dispatches ${g.githubDispatches}), workflow runs ${g.workflowRuns}; webhook deliveries: ${list(g.webhookDeliveries)}`);
  const cost = monthlyCost(day.phases);
  console.log('a month (30 days), us-east-1 list prices:');
  for (const line of cost.lines) console.log(`  ${line.item.padEnd(30)} ${line.quantity.padStart(18)}  $${line.usd.toFixed(2)}`);
  console.log(`  ${'total (usage-priced parts)'.padEnd(30)} ${''.padStart(18)}  $${cost.totalUsd.toFixed(2)}`);
  const spacing = writeSpacingCost(g.writeSpacingSeconds, SLOTS_PER_DAY, DISPATCHER_MEMORY_MB);
  console.log(`not in the total: the deployed GitHub client spaces a process's writes ${DEPLOYED_WRITE_SPACING_MS} ms apart (the bench's does not): ${g.writeSpacingSeconds.toFixed(0)} s more in the dispatcher a slot, ${Math.round(spacing.gbSeconds).toLocaleString('en-US')} GB-s ($${spacing.usd.toFixed(2)}) a month`);
  Object.assign(awsReport, { day: day.phases, dispatch: g, month: cost, writeSpacing: spacing });
}
if (Object.keys(awsReport).length > 0) report.aws = awsReport;

if (wants('github')) {
  console.log('\nGitHub dispatch (issue 9): the real dispatcher and Octokit client against the GitHub simulator, on the embedded table');
  const github = await measureGitHubDispatch({ triggers: option('triggers'), latencyMs: option('latency-ms'), pacedTriggers: option('paced-triggers') });
  report.github = github;
  const list = (counts: Record<string, number>) => Object.entries(counts).map(([name, n]) => `${name} ${n}`).join(', ') || 'none';
  const w = github.wave;
  console.log(`simultaneous wave: ${w.videos} videos x ${w.channels} channels = ${w.publications.toLocaleString('en-US')} publications, ${w.slots} slot, ${w.triggers} triggers`);
  console.log(`  booked in ${ms(w.wallMs.book)}, fired in ${ms(w.wallMs.fire)}, dispatched in ${ms(w.wallMs.dispatch)} (composition root's dispatcher, 5 receivers, pacing ${w.pacer.perMinute}/min: outcomes ${list(w.outcomes)})`);
  console.log(`  GitHub requests: ${w.githubRequests} (dispatches ${w.dispatchRequests}; other: ${list(w.otherRequests)})`);
  console.log(`  per publication: ${w.requestsPerPublication.toFixed(4)} requests, ${w.dispatchesPerPublication.toFixed(4)} dispatches (goal 0.01: one per channel); workflow runs on the simulator: ${w.simulatorRuns}, ${w.publicationsPerRun.min === w.publicationsPerRun.max ? w.publicationsPerRun.min : `${w.publicationsPerRun.min}-${w.publicationsPerRun.max}`} publications each`);
  console.log(`throughput: ${github.throughput[0]?.triggers ?? 0} triggers a run, one publication each on its own channel; the simulator answers each dispatch after the latency shown (GitHub's takes ~300 ms); pacing unbound`);
  console.log(`${'receivers'.padEnd(11)}${'clients'.padEnd(12)}${'latency'.padStart(9)}${'dispatched'.padStart(12)}${'wall'.padStart(10)}${'per second'.padStart(12)}${'p50'.padStart(9)}${'p95'.padStart(9)}  outcomes`);
  for (const t of github.throughput) {
    const clients = t.clients === 'each' ? 'one each' : 'one shared';
    console.log(`${String(t.receivers).padEnd(11)}${clients.padEnd(12)}${ms(t.latencyMs).padStart(9)}${String(t.dispatched).padStart(12)}${ms(t.wallMs).padStart(10)}${t.dispatchesPerSecond.toFixed(1).padStart(12)}${ms(t.p50Ms).padStart(9)}${ms(t.p95Ms).padStart(9)}  ${list(t.outcomes)}`);
  }
  console.log('  paced, with rates no run reaches: the pacer item\'s conditional write lost 8 races in a row, and the trigger came back 1 s later');
  const p = github.pacing;
  console.log(`pacing: ${p.triggers} triggers, ${p.receivers} receivers (a dispatcher and client each) on one pacer item at ${p.rates.perMinute}/min and ${p.rates.perHour}/h, fake clock`);
  console.log(`  dispatched ${p.dispatched} over ${p.simulatedSeconds.toFixed(0)} s of fake time (${ms(p.wallMs)} real); most in any 60 s: ${p.maxInAnyMinute} (limit ${p.rates.perMinute}: ${p.maxInAnyMinute <= p.rates.perMinute ? 'held' : 'EXCEEDED'}), in any hour: ${p.maxInAnyHour}`);
  console.log(`  re-queued with a delay: ${p.requeued} times (${p.triggersRequeued} triggers, longest ${p.longestDelaySeconds} s); receives that threw: ${p.failedReceives}; dead-lettered: ${p.deadLettered}; workflow runs on the simulator: ${p.simulatorRuns}`);
}

if (wants('monitoring')) {
  console.log('\nGET /dashboard and GET /monitor-channels (issue 10) on the embedded table: items read and wall time as channels and history grow');
  const rows = await measureDashboard({ history: option('history'), log: (line) => console.log(`  ${line}`) });
  report.monitoring = { dashboard: rows };
  const calls = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort()
      .map(([name, n]) => `${name.replace('Command', '')} ${n}`)
      .join(', ');
  console.log(`${'route'.padEnd(16)}${'channels'.padStart(9)}${'finished'.padStart(10)}${'status'.padStart(8)}${'items read'.padStart(12)}${'returned'.padStart(10)}${'scans'.padStart(7)}${'wall'.padStart(9)}  calls`);
  for (const r of rows) {
    console.log(
      `${r.route.padEnd(16)}${String(r.channels).padStart(9)}${r.finishedPublications.toLocaleString('en-US').padStart(10)}${String(r.status).padStart(8)}${String(r.itemsRead).padStart(12)}${String(r.itemsReturned).padStart(10)}${String(r.scans).padStart(7)}${ms(r.wallMs).padStart(9)}  ${calls(r.calls)}`,
    );
  }
}

if (wants('chaos')) {
  const rounds = option('rounds') ?? 20;
  console.log(`\nChaos (issue 7): ${rounds} rounds of mixed requests cut off by kill -9, each restarted on the same DATA_DIR`);
  const chaos = await measureChaos({ rounds, seed: option('seed'), serverLogDir: textOption('logs'), log: (line) => console.log(`  ${line}`) });
  report.chaos = chaos;
  const list = (counts: Record<string, number>) => Object.entries(counts).map(([name, n]) => `${name} ${n}`).join(', ') || 'none';
  console.log(`seed ${chaos.seed} (--seed=${chaos.seed} sends the same requests); ${(chaos.durationMs / 1000).toFixed(1)} s`);
  console.log(`rounds ${chaos.rounds}, kills (SIGKILL) ${chaos.kills}, requests sent ${chaos.requests}`);
  console.log(`answers: ${list(chaos.answers)}`);
  console.log(`publications accepted (201/202): ${chaos.accepted}; bookings with an Idempotency-Key ${chaos.keyed.sent}, still in progress at the end ${chaos.keyed.unresolved}`);
  console.log(`groups by final status: ${list(chaos.groups)}`);
  console.log(`publications by final status: ${list(chaos.publications)}`);
  console.log(`reconciliation rollbacks (coordination.rolled_back): ${chaos.rollbacks.entries} entries, ${chaos.rollbacks.groups} groups`);
  console.log(`items whose indexes a kill left half-written, repaired at restart: ${chaos.repairedItems}; triggers lost to a kill, to be re-sent by the reconciliation: ${chaos.awaitingResend}`);
  console.log(`invariant violations: ${chaos.violations.length}`);
  for (const line of chaos.violations) console.log(`  ${line}`);
  if (chaos.serverErrors.length > 0) console.log(`server ERROR lines: ${chaos.serverErrors.length}\n${chaos.serverErrors.slice(0, 20).join('\n')}`);
}

if (wants('console')) {
  console.log('\nThe console (issue 11): its JavaScript as shipped (buildConsole, minified; gzip level 6), and the status board in headless Chromium against npm start');
  const consoleReport = await measureConsole({ log: (line) => console.log(`  ${line}`) });
  report.console = consoleReport;
  const { sizes, render } = consoleReport;
  console.log(`${'file'.padEnd(34)}${'type'.padEnd(28)}${'raw'.padStart(10)}${'gzip'.padStart(10)}`);
  for (const f of sizes.files) console.log(`${f.path.padEnd(34)}${f.contentType.split(';')[0]!.padEnd(28)}${kb(f.bytes).padStart(10)}${kb(f.gzipBytes).padStart(10)}`);
  console.log(`JavaScript in all: ${kb(sizes.js.bytes)} raw, ${kb(sizes.js.gzipBytes)} gzipped; under ${kb(sizes.js.budgetBytes)} gzipped: ${sizes.js.underBudget ? 'yes' : 'NO'}`);
  console.log('status board, navigation start to the channel health list visible (a fresh browser context a load):');
  for (const r of render) {
    console.log(`  ${String(r.channels).padStart(5)} channels: median ${ms(r.medianMs)} (loads ${r.loadsMs.map(ms).join(', ')}; ${r.rowsShown} rows shown); alone, GET /monitor-channels?limit=50 (the board's first page) ${ms(r.apiMs.monitorChannelsFirstPage)}, every channel ${ms(r.apiMs.monitorChannels)}, GET /dashboard ${ms(r.apiMs.dashboard)}`);
  }
}

mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench.json', `${JSON.stringify(report, null, 2)}\n`);
console.log('\nwritten: reports/bench.json');
