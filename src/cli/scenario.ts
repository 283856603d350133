import { runScenario } from '../demo/scenario.ts';
import { io } from './io.ts';

export interface ScenarioCliOptions {
  scenario: string;
  data?: string;
  out?: string;
  serve?: boolean;
  port?: number;
}

/**
 * `homeward demo --scenario NAME [--data DIR] [--out DIR] [--serve [--port N]]`: runs the scenario on
 * three in-process nodes (src/demo/scenario.ts). Without --serve it exits when the scenario is done.
 */
export async function runScenarioCommand(o: ScenarioCliOptions): Promise<number> {
  const started = performance.now();
  const say = (line: string) => io().stdout.write(`${line}\n`);
  const r = await runScenario(o.scenario, {
    dataDir: o.data,
    outDir: o.out,
    serve: !!o.serve,
    port: o.port,
    log: say,
  });
  say(
    `timings (ms): ${Object.entries(r.timings)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`,
  );
  const where = r.temporary && !o.serve ? 'temporary databases removed' : `databases in ${r.dataDir}`;
  say(`scenario ${o.scenario} done in ${((performance.now() - started) / 1000).toFixed(1)} s; ${where}`);

  if (r.bulletinPath)
    say(`bulletin: ${r.bulletinPath} (check it with: homeward bulletin verify ${r.bulletinPath})`);
  if (!o.serve) {
    await r.close();
    return 0;
  }
  say('');
  for (const n of r.nodes)
    say(`  ${n.label.padEnd(9)} ${n.name.padEnd(14)} ${n.url}/  (log: ${n.url}/log/checkpoint)`);
  say('\nserving the three nodes; Ctrl-C stops them');
  const stop = async () => {
    await r.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => {});
  return 0;
}
