import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Permissions, Roles, rolePermissions } from './access.ts';
import { ROLE_TABLE_BEGIN, ROLE_TABLE_END, roleTableMarkdown, withRoleTable } from './role-table.ts';

const readmePath = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');

describe('the README role table', () => {
  it('is the one generated from rolePermissions (run `npm run docs:roles` when this fails)', () => {
    const readme = fs.readFileSync(readmePath, 'utf8');
    expect(withRoleTable(readme)).toBe(readme);
  });

  it('has one row per role listing exactly its permissions', () => {
    const rows = roleTableMarkdown().split('\n').slice(2);
    expect(rows).toHaveLength(Roles.length);
    for (const [i, role] of Roles.entries()) {
      const cells = rows[i]!.split(' | ');
      expect(cells[0]).toBe(`| ${role.replaceAll('_', ' ')}`);
      const listed = [...cells[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      expect(listed).toEqual([...rolePermissions[role]]);
      for (const p of listed) expect(Permissions as readonly string[]).toContain(p);
    }
  });

  it('replaces only what lies between the markers, and refuses a README without them', () => {
    const doc = `# x\n\n${ROLE_TABLE_BEGIN}\nold table\n${ROLE_TABLE_END}\n\nafter\n`;
    const out = withRoleTable(doc);
    expect(out.startsWith(`# x\n\n${ROLE_TABLE_BEGIN}\n| role |`)).toBe(true);
    expect(out.endsWith(`\n${ROLE_TABLE_END}\n\nafter\n`)).toBe(true);
    expect(out).not.toContain('old table');
    expect(withRoleTable(out)).toBe(out);
    expect(() => withRoleTable('# no markers\n')).toThrow(/markers/);
  });
});
