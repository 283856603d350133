// `npm run docs:roles`: rewrites the role table in README.md from src/domain/access.ts.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withRoleTable } from '../src/domain/role-table.ts';

const readme = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const before = fs.readFileSync(readme, 'utf8');
const after = withRoleTable(before);
if (after !== before) fs.writeFileSync(readme, after);
console.log(after === before ? 'README.md role table: up to date' : 'README.md role table: rewritten');
