/**
 * How much memory does reading a large person import file take?
 *
 *   npm run bench:read-memory -- [--rows 300000]
 *
 * Writes a `--rows`-row synthetic person file as CSV and as XLSX (shared strings, as Excel writes
 * them), then, each in a fresh child process, checks it as an import job's first pass does
 * (`scanPersonFile` from disk), and prints the time, the rows and the process's peak RSS beside the
 * goal (reading ≤ 1 GB), with the RSS of a child that only loads the same modules as the baseline,
 * and, for comparison, the XLSX read whole by the former reader over exceljs.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HEADER, personRows } from './synthetic-rows.ts';

const GOAL_MB = 1024;
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '300000' },
    child: { type: 'string' },
    whole: { type: 'boolean', default: false },
  },
});

if (args.child !== undefined) {
  const { scanPersonFile } = await import('../src/io/person-file-stream.ts');
  const file = args.child;
  const t0 = performance.now();
  let rows = 0;
  let ok = true;
  if (file !== '' && args.whole) {
    const { readXlsxWhole } = await import('../src/io/xlsx-reference.ts');
    const { checkPersonRows } = await import('../src/io/person-rows.ts');
    const read = await readXlsxWhole(fs.readFileSync(file));
    const checked = read.sheet ? checkPersonRows(read.sheet, { requireRows: true }) : null;
    ok = !!checked && checked.errors.total === 0;
    rows = checked?.rows.length ?? 0;
  } else if (file !== '') {
    const r = await scanPersonFile(file, path.basename(file), () => {}, { maxBytes: 200 * 1024 * 1024 });
    ok = r.ok;
    rows = r.ok ? r.rows : 0;
  }
  process.send!({ ok, rows, ms: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024 });
  process.exit(0);
}

const rows = Number(args.rows);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-bench-read-'));
try {
  const csv = path.join(dir, 'persons.csv');
  const fd = fs.openSync(csv, 'w');
  fs.writeSync(fd, `${HEADER.join(',')}\n`);
  for (const r of personRows(rows)) fs.writeSync(fd, `${r.join(',')}\n`);
  fs.closeSync(fd);
  const xlsx = path.join(dir, 'persons.xlsx');
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: true });
  const ws = wb.addWorksheet('Persons');
  ws.addRow(HEADER).commit();
  for (const r of personRows(rows)) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();

  const run = (file: string, whole = false) =>
    new Promise<{ ok: boolean; rows: number; ms: number; maxRssMb: number }>((resolve, reject) => {
      const child = fork(
        path.resolve('bin/run-ts.js'),
        [new URL(import.meta.url).pathname, '--child', file, ...(whole ? ['--whole'] : [])],
        {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      child.once('message', (m) => resolve(m as never));
      child.once('error', reject);
    });
  const base = await run('');
  const out = [
    '',
    `Reading a ${rows}-row person file (scanPersonFile, the import job's first pass), ${os.cpus().length} CPU(s), load average ${os.loadavg()[0]!.toFixed(1)}`,
    `  baseline (modules loaded, nothing read): peak RSS ${base.maxRssMb.toFixed(0)} MB`,
  ];
  for (const file of [csv, xlsx]) {
    const r = await run(file);
    const mb = (fs.statSync(file).size / 1024 / 1024).toFixed(1);
    out.push(
      `  ${path.extname(file).slice(1).toUpperCase().padEnd(4)} ${mb} MB: ${r.ok ? `${r.rows} rows` : 'REJECTED'} in ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB — goal ≤ ${GOAL_MB} MB: ${r.maxRssMb <= GOAL_MB ? 'met' : 'NOT met'}`,
    );
  }
  const before = await run(xlsx, true);
  out.push(
    `  XLSX with the former whole-workbook reader (exceljs, for comparison): ${before.ok ? `${before.rows} rows` : 'REJECTED'} in ${(before.ms / 1000).toFixed(1)} s, peak RSS ${before.maxRssMb.toFixed(0)} MB`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
