import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { addUser, countUsers, createApiToken, disableUser, listUsers } from '../app/accounts.ts';
import { listenForSnapshots } from '../app/backup/backup.ts';
import { exportPersons } from '../app/export-persons.ts';
import { DEFAULT_REF_SYSTEM, importPersons } from '../app/import-persons.ts';
import { RegistryMatcher } from '../app/registry-matcher.ts';
import { demoLogins, seedDemo } from '../app/seed-demo.ts';
import { DEMO_DRAFT_AGREEMENT_ID, seedDemoAgreementDraft } from '../demo/agreement-draft-demo.ts';
import { seedDemoExchangeScreens } from '../demo/exchange-screens-demo.ts';
import { seedDemoBulletin } from '../demo/public-bulletin-demo.ts';
import { seedDemoExchange } from '../demo/stage-board-demo.ts';
import { Roles } from '../domain/access.ts';
import { buildServer } from '../http/server.ts';
import { readPersonFile } from '../io/read-person-file.ts';
import { registerAgreementCommands } from './agreement.ts';
import { registerBackupCommands } from './backup.ts';
import { registerBulletinCommands } from './bulletin.ts';
import { dataOption, intArg, run } from './common.ts';
import { type DataOptions, dataDirOf, describeTarget, openNode, progressBar, readSecret } from './context.ts';
import { registerListCommands } from './list.ts';
import { registerLogCommands } from './log.ts';
import { registerMatchCommand } from './match.ts';
import { registerDedupCommand } from './match-node.ts';
import { registerReportCommand } from './report.ts';
import { runScenarioCommand, type ScenarioCliOptions } from './scenario.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function buildCli(): Command {
  const program = new Command('homeward')
    .description('Homeward node: registry of missing and captured persons, exchanges and tracing')
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nDatabase: embedded PGlite in --data DIR, or PostgreSQL when DATABASE_URL is set.\nDocs: README.md; API docs at /api/docs on a running node.',
    );

  program
    .command('serve')
    .description('start the node: the HTTP API and the browser UI')
    .addOption(dataOption())
    .option('--port <n>', 'TCP port', intArg('port', 0, 65535), Number(process.env.PORT ?? 8080))
    .option('--host <addr>', 'address to listen on', process.env.HOST ?? '127.0.0.1')
    .option('--secure-cookies', 'mark session cookies Secure (when served behind HTTPS)', false)
    .action((o: DataOptions & { port: number; host: string; secureCookies: boolean }) =>
      run(async () => {
        const node = await openNode(o);
        const webDir = path.join(repoRoot, 'web', 'dist');
        const matcher = new RegistryMatcher(node.database);
        const app = await buildServer({
          database: node.database,
          identity: node.identity,
          matcher,
          webDir,
          secureCookies: o.secureCookies,
          // Ask the log's witnesses to cosign new checkpoints (`homeward log witness add`); 0 turns it off.
          cosignIntervalMs: Number(process.env.HOMEWARD_COSIGN_INTERVAL_MS ?? 15_000),
          logLevel: process.env.LOG_LEVEL ?? 'info',
        });
        // A running embedded node answers `homeward backup` on DIR/homeward.sock (src/app/backup).
        const snapshots = process.env.DATABASE_URL
          ? undefined
          : await listenForSnapshots(node.database, dataDirOf(o)).catch((e: Error) => {
              process.stderr.write(`homeward: backup while serving is off: ${e.message}\n`);
              return undefined;
            });
        const shutdown = async () => {
          await snapshots?.close();
          await app.close();
          await node.database.close();
          process.exit(0);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
        try {
          await app.listen({ port: o.port, host: o.host });
          // Build the match index now rather than on the first search (seconds at a million persons).
          matcher.prepare(node.identity.orgId).catch(() => {});
        } catch (e) {
          await app.close().catch(() => {});
          await node.database.close();
          throw e;
        }
        const addr = app.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : o.port;
        const url = `http://${o.host === '0.0.0.0' ? 'localhost' : o.host}:${port}/`;
        const lines = [
          '',
          `Homeward node "${node.identity.name}" on ${describeTarget(o)}`,
          `  UI:       ${url}`,
          `  API docs: ${url}api/docs`,
          `  Health:   ${url}api/health`,
        ];
        if (!fs.existsSync(path.join(webDir, 'index.html')))
          lines.push('  (UI not built: run `npm run build:web`)');
        if (node.identity.demo) {
          lines.push('', '  Demo logins (synthetic data only; username / password):');
          for (const d of demoLogins) lines.push(`    ${d.username.padEnd(24)} ${d.password}`);
        } else if ((await countUsers(node.database.db)) === 0) {
          lines.push(
            '',
            '  No accounts yet: create the first administrator with',
            '    homeward user add NAME --role admin',
          );
        }
        process.stdout.write(`${lines.join('\n')}\n\n`);
        await new Promise(() => {});
      }),
    );

  program
    .command('init')
    .description('create the database, migrations and node key pair; optionally the first administrator')
    .addOption(dataOption())
    .option('--name <name>', 'node name used in its signed notes (letters, digits, . _ / -)')
    .option('--admin <username>', 'create this administrator account')
    .option('--password-stdin', 'read the administrator password from standard input', false)
    .action((o: DataOptions & { name?: string; admin?: string; passwordStdin: boolean }) =>
      run(async () => {
        const node = await openNode(o);
        try {
          process.stdout.write(
            `node "${node.identity.name}" ready on ${describeTarget(o)}\nverifier key: ${node.identity.verifierKey}\n`,
          );
          if (o.admin) {
            const password = await readSecret(`Password for ${o.admin}: `, o.passwordStdin);
            const u = await node.database.transaction((tx) =>
              addUser(node.as(['admin']), tx, { username: o.admin!, password, roles: ['admin'] }),
            );
            process.stdout.write(`administrator ${u.username} created\n`);
          }
        } finally {
          await node.database.close();
        }
      }),
    );

  const user = program.command('user').description('manage accounts');
  user
    .command('add <username>')
    .description(`create an account; roles: ${Roles.join(', ')}`)
    .addOption(dataOption())
    .requiredOption('--role <role...>', 'one or more roles')
    .option('--display-name <name>', 'name shown in the UI')
    .option('--password-stdin', 'read the password from standard input', false)
    .action(
      (username: string, o: DataOptions & { role: string[]; displayName?: string; passwordStdin: boolean }) =>
        run(async () => {
          const node = await openNode(o);
          try {
            const password = await readSecret(`Password for ${username}: `, o.passwordStdin);
            const u = await node.database.transaction((tx) =>
              addUser(node.as(['admin']), tx, {
                username,
                password,
                roles: o.role,
                displayName: o.displayName,
              }),
            );
            process.stdout.write(`user ${u.username} created with roles ${u.roles.join(', ')}\n`);
          } finally {
            await node.database.close();
          }
        }),
    );
  user
    .command('list')
    .description('list accounts')
    .addOption(dataOption())
    .action((o: DataOptions) =>
      run(async () => {
        const node = await openNode(o);
        try {
          const users = await listUsers(node.as(['admin']), node.database.db);
          for (const u of users) {
            process.stdout.write(
              `${u.username}\t${u.roles.join(',')}\t${u.disabled ? 'disabled' : 'active'}\t${u.displayName}\n`,
            );
          }
          if (users.length === 0) process.stderr.write('no accounts\n');
        } finally {
          await node.database.close();
        }
      }),
    );
  user
    .command('disable <username>')
    .description('disable an account and end its sessions and API tokens')
    .addOption(dataOption())
    .action((username: string, o: DataOptions) =>
      run(async () => {
        const node = await openNode(o);
        try {
          await node.database.transaction((tx) => disableUser(node.as(['admin']), tx, username));
          process.stdout.write(`user ${username} disabled\n`);
        } finally {
          await node.database.close();
        }
      }),
    );
  user
    .command('token <username>')
    .description('create an API token for scripts (printed once; send as Authorization: Bearer TOKEN)')
    .addOption(dataOption())
    .option('--name <label>', 'what the token is for', 'script')
    .option('--days <n>', 'expire after this many days', intArg('days', 1, 366))
    .action((username: string, o: DataOptions & { name: string; days?: number }) =>
      run(async () => {
        const node = await openNode(o);
        try {
          const t = await node.database.transaction((tx) =>
            createApiToken(node.as(['admin']), tx, { username, name: o.name, ttlDays: o.days }),
          );
          process.stdout.write(`${t.token}\n`);
        } finally {
          await node.database.close();
        }
      }),
    );

  program
    .command('import')
    .description('import records into the registry')
    .command('persons <file>')
    .description(
      'import persons from CSV or XLSX (header row; id and family_name required; given_name, patronymic, birth_date, birth_place, unit, service_number, sex, category optional). All or nothing: exit 0 only when the whole file was imported; otherwise every bad row is listed on stderr by line and column',
    )
    .addOption(dataOption())
    .option('--ref-system <name>', 'external-reference system the id column belongs to', DEFAULT_REF_SYSTEM)
    .action((file: string, o: DataOptions & { refSystem: string }) =>
      run(async () => {
        let bytes: Buffer;
        try {
          bytes = fs.readFileSync(file);
        } catch (e) {
          throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
        }
        const parsed = await readPersonFile(bytes, path.basename(file));
        if (!parsed.ok) {
          for (const err of parsed.errors) {
            const where =
              err.line === 0 ? 'file' : `line ${err.line}${err.column ? `, column ${err.column}` : ''}`;
            process.stderr.write(`${file}: ${where}: ${err.message} [${err.code}]\n`);
          }
          process.stderr.write(
            `${file}: not imported (${parsed.errors.length} problem(s)); the registry is unchanged\n`,
          );
          return 1;
        }
        const node = await openNode(o);
        try {
          const fileSha256 = createHash('sha256').update(bytes).digest('hex');
          const s = await node.database.transaction((tx) =>
            importPersons(node.as(['coordinator']), tx, parsed.rows, {
              fileSha256,
              refSystem: o.refSystem,
              onProgress: progressBar('importing'),
            }),
          );
          process.stdout.write(
            `${file}: imported ${s.total} row(s): ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged (sha256 ${fileSha256})\n`,
          );
        } finally {
          await node.database.close();
        }
      }),
    );

  program
    .command('export')
    .description('export records from the registry')
    .command('persons')
    .description(
      'export persons to CSV or XLSX (same columns as import; no restricted fields; formulas neutralised)',
    )
    .addOption(dataOption())
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx']).makeOptionMandatory())
    .requiredOption('--out <file>', 'file to write')
    .action((o: DataOptions & { format: 'csv' | 'xlsx'; out: string }) =>
      run(async () => {
        const node = await openNode(o);
        try {
          const { body, rows } = await node.database.transaction((tx) =>
            exportPersons(node.as(['coordinator']), tx, o.format),
          );
          const tmp = `${o.out}.tmp-${process.pid}`;
          fs.writeFileSync(tmp, body, { mode: 0o600 });
          fs.renameSync(tmp, o.out);
          process.stdout.write(`${o.out}: ${rows} person(s) exported\n`);
        } finally {
          await node.database.close();
        }
      }),
    );

  program
    .command('demo')
    .description('seed synthetic demo persons (fictional people) and demo accounts (password demo-<role>)')
    .addOption(dataOption())
    .option('--persons <n>', 'how many synthetic persons', intArg('persons', 0, 10_000_000), 500)
    .option('--seed <n>', 'random seed', intArg('seed', 0, 2 ** 31), 2025)
    .option(
      '--scenario <name>',
      'run an exchange scenario on three nodes instead (may-2025); --data holds their databases',
    )
    .option(
      '--out <dir>',
      'with --scenario: write DIR/bulletin.json, verifiable with `homeward bulletin verify`',
    )
    .option('--serve', 'with --scenario: keep the three nodes running and print their URLs', false)
    .option(
      '--port <n>',
      'with --serve: first of three consecutive ports (default: any free)',
      intArg('port', 1, 65533),
    )
    .action((o: DataOptions & { persons: number; seed: number } & Partial<ScenarioCliOptions>) =>
      run(async () => {
        if (o.scenario) return runScenarioCommand({ ...o, scenario: o.scenario });
        const node = await openNode({ ...o, name: 'demo-hq', demo: true });
        try {
          const s = await seedDemo((fn) => node.database.transaction(fn), node.as(['coordinator']), {
            persons: o.persons,
            seed: o.seed,
            onProgress: progressBar('seeding'),
          });
          process.stdout.write(
            `demo data in ${describeTarget(o)}: ${s.created} person(s) created, ${s.existing} already there, ${s.users} account(s) created\n`,
          );
          const x = await seedDemoExchange((fn) => node.database.transaction(fn), node.as(['coordinator']), {
            fromRegistry: 30,
          });
          if (x.created) process.stdout.write(`demo exchange ${x.exchangeId}: ${x.stageId} in progress\n`);
          // The exchange screens' demo data (a stage to finish on the board, both sides' lists).
          const screens = await seedDemoExchangeScreens(
            (fn) => node.database.transaction(fn),
            node.as(['coordinator']),
          );
          if (screens.endStage)
            process.stdout.write(`demo exchange ${x.exchangeId}: stage-2 to finish on the board\n`);
          if (screens.lists)
            process.stdout.write(`demo exchange ${x.exchangeId}: our request and their offer, flagged\n`);
          if (
            (await seedDemoBulletin((fn) => node.database.transaction(fn), node.as(['coordinator'])))
              .published
          )
            process.stdout.write(`demo exchange ${x.exchangeId}: stage-0 confirmed, bulletin published\n`);
          const ex = await node.database.db
            .selectFrom('exchanges')
            .select('agreement')
            .where('id', '=', x.exchangeId)
            .executeTakeFirstOrThrow();
          const draft = await seedDemoAgreementDraft(
            (fn) => node.database.transaction(fn),
            node.as(['coordinator']),
            { agreementId: (ex.agreement as { id: string }).id },
          );
          if (draft.proposed)
            process.stdout.write(
              `demo agreement ${DEMO_DRAFT_AGREEMENT_ID}: proposed, awaiting signatures\n`,
            );
        } finally {
          await node.database.close();
        }
      }),
    );

  registerMatchCommand(program);
  registerDedupCommand(program);
  registerLogCommands(program);
  registerListCommands(program);
  registerAgreementCommands(program);
  registerBulletinCommands(program);
  registerReportCommand(program);
  registerBackupCommands(program);
  return program;
}

await buildCli().parseAsync(process.argv);
