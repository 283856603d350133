#!/usr/bin/env node
// Keep the message catalogues (src/i18n/locales/{en,uk,ru}.json) whole across merges.
//
//   node scripts/i18n-catalogues.js sort
//       rewrite each catalogue with its keys sorted.
//   node scripts/i18n-catalogues.js merge REF...
//       add the keys of each REF's catalogues (a branch, a commit, or :2 / :3 for the two sides of a
//       conflicted merge) to the working catalogues; the working text wins where both have a key.
//       A catalogue with conflict markers is read from the REFs only.
//   node scripts/i18n-catalogues.js dictionaries REF
//       add the keys a branch from before the catalogues added to web/src/i18n.ts's inline
//       dictionaries (const en/uk/ru), converted to ICU (a literal apostrophe doubled).
//
// Then run `npx vitest run --project unit src/i18n` (every key in every locale, every message parses).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOCALES = ['en', 'uk', 'ru'];
const file = (locale) => `src/i18n/locales/${locale}.json`;

function gitShow(ref, repoPath) {
  const spec = `${ref}:${repoPath}`; // "main:src/…", or ":2:src/…" for a side of a conflict
  try {
    return execFileSync('git', ['show', spec], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    return null;
  }
}

function readWorking(locale) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, file(locale)), 'utf8'));
  } catch {
    return {}; // absent, or conflict markers: the REFs supply it
  }
}

function write(locale, catalogue) {
  const sorted = Object.fromEntries(
    Object.keys(catalogue)
      .sort()
      .map((k) => [k, catalogue[k]]),
  );
  fs.writeFileSync(path.join(root, file(locale)), `${JSON.stringify(sorted, null, 2)}\n`);
  console.log(`${file(locale)}: ${Object.keys(sorted).length} keys`);
}

/** Add `from`'s keys missing in `into`; report keys whose texts differ (the working text is kept). */
function addMissing(into, from, origin) {
  let added = 0;
  for (const [k, v] of Object.entries(from)) {
    if (!(k in into)) {
      into[k] = v;
      added++;
    } else if (into[k] !== v) console.warn(`  ${k}: kept the working text, ${origin} has another`);
  }
  return added;
}

/** A dictionary text ({name} placeholders, literal apostrophes) as ICU MessageFormat. */
function toIcu(text) {
  const escaped = text.replace(/'/g, "''");
  if (/[{}]/.test(escaped.replace(/\{\w+\}/g, '')))
    throw new Error(`a literal brace needs quoting by hand: ${text}`);
  return escaped;
}

/** The string properties of `const en|uk|ru = { ... }` in an old web/src/i18n.ts. */
function dictionariesIn(source) {
  const sf = ts.createSourceFile('i18n.ts', source, ts.ScriptTarget.Latest, true);
  const out = {};
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && LOCALES.includes(node.name.text)) {
      let init = node.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
      if (init && ts.isObjectLiteralExpression(init)) {
        const dict = {};
        for (const p of init.properties)
          if (ts.isPropertyAssignment(p) && (ts.isStringLiteral(p.name) || ts.isIdentifier(p.name))) {
            const v = p.initializer;
            if (ts.isStringLiteral(v) || ts.isNoSubstitutionTemplateLiteral(v)) dict[p.name.text] = v.text;
          }
        out[node.name.text] = dict;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const [command, ...refs] = process.argv.slice(2);
if (command === 'sort') {
  for (const l of LOCALES) write(l, readWorking(l));
} else if (command === 'merge' && refs.length > 0) {
  for (const l of LOCALES) {
    const catalogue = readWorking(l);
    for (const ref of refs) {
      const text = gitShow(ref, file(l));
      if (text === null) {
        console.warn(`${ref}: no ${file(l)}`);
        continue;
      }
      console.log(`${file(l)} + ${ref}: ${addMissing(catalogue, JSON.parse(text), ref)} keys added`);
    }
    write(l, catalogue);
  }
} else if (command === 'dictionaries' && refs.length === 1) {
  const source = gitShow(refs[0], 'web/src/i18n.ts');
  if (source === null) throw new Error(`${refs[0]} has no web/src/i18n.ts`);
  const dictionaries = dictionariesIn(source);
  for (const l of LOCALES) {
    const catalogue = readWorking(l);
    const icu = Object.fromEntries(Object.entries(dictionaries[l] ?? {}).map(([k, v]) => [k, toIcu(v)]));
    console.log(`${file(l)} + ${refs[0]}:web/src/i18n.ts: ${addMissing(catalogue, icu, refs[0])} keys added`);
    write(l, catalogue);
  }
} else {
  console.error('usage: node scripts/i18n-catalogues.js sort | merge REF... | dictionaries REF');
  process.exit(2);
}
