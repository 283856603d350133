import fs from 'node:fs';
import { type Command, Option } from 'commander';
import { type ReportKind, ReportKinds } from '../reports/kinds.ts';
import { dataOption, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';

interface ReportOptions extends DataOptions {
  exchange: string;
  stage?: string;
  date?: string;
  format?: 'html' | 'pdf';
  out?: string;
  lang?: 'uk' | 'en' | 'ru';
  tz?: string;
}

/**
 * `homeward report act|reconciliation|progress|dossier --exchange ID [--stage S] [--date D] [--lang L] [--tz Z] [--out FILE]`:
 * a printable report (bilingual uk/en, or in one language with --lang) of an exchange of this node, as HTML (stdout or FILE) or PDF (FILE;
 * needs Chromium: without it, one line saying so and exit 1). Read as an auditor (exchange:read).
 */
export function registerReportCommand(program: Command): Command {
  program
    .command('report')
    .description('printable reports of an exchange (HTML or PDF, Ukrainian/English)')
    .addArgument(
      program.createArgument('<kind>', 'act | reconciliation | progress | dossier').choices([...ReportKinds]),
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .option('--stage <id>', 'the stage (act)')
    .option('--date <YYYY-MM-DD>', 'the day (reconciliation; default: the latest stage’s date)')
    .addOption(
      new Option(
        '--format <format>',
        'html or pdf (default: pdf when --out ends in .pdf, else html)',
      ).choices(['html', 'pdf']),
    )
    .option('--out <file>', 'write here (default: HTML on stdout)')
    .addOption(
      new Option(
        '--lang <lang>',
        'one language: uk, en or ru (default: Ukrainian and English side by side)',
      ).choices(['uk', 'en', 'ru']),
    )
    .option('--tz <zone>', 'IANA time zone for times with --lang (default: UTC), e.g. Europe/Kyiv')
    .addOption(dataOption())
    .action(async (kind: ReportKind, o: ReportOptions) => {
      const { htmlToPdf } = await import('../reports/pdf.ts');
      const { renderReport } = await import('../reports/service.ts');
      const { isTimeZone } = await import('../reports/html.ts');
      const { openNode } = await import('./context.ts');
      return run(async () => {
        if (kind === 'act' && !o.stage) {
          io().stderr.write('homeward: report act needs --stage ID\n');
          return 2;
        }
        if (o.date && !/^\d{4}-\d{2}-\d{2}$/.test(o.date)) {
          io().stderr.write('homeward: --date must be YYYY-MM-DD\n');
          return 2;
        }
        if (o.tz !== undefined && !isTimeZone(o.tz)) {
          io().stderr.write('homeward: --tz must be an IANA time zone, e.g. Europe/Kyiv\n');
          return 2;
        }
        const format = o.format ?? (o.out?.toLowerCase().endsWith('.pdf') ? 'pdf' : 'html');
        if (format === 'pdf' && !o.out) {
          io().stderr.write('homeward: a PDF needs --out FILE\n');
          return 2;
        }
        const node = await openNode(o);
        let html: string;
        try {
          html = await node.database.transaction((tx) =>
            renderReport(node.as(['auditor']), tx, {
              kind,
              exchangeId: o.exchange,
              stageId: o.stage,
              date: o.date,
              lang: o.lang,
              timeZone: o.tz,
            }),
          );
        } finally {
          await node.database.close();
        }
        const bytes = format === 'pdf' ? await htmlToPdf(html) : Buffer.from(html, 'utf8');
        if (o.out) {
          fs.writeFileSync(o.out, bytes);
          io().stderr.write(`${kind} report of ${o.exchange} written to ${o.out} (${format})\n`);
        } else io().stdout.write(bytes);
        return 0;
      });
    });
  return program;
}
