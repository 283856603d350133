import type { Predicate } from './predicate.ts';

/**
 * A category predicate as a short English phrase, for the agreement screen and printed documents:
 * "aged 18–25 on 2025-06-02", "seriously wounded (medical determination)", "civilian". Pure; the
 * predicate stays the authority (this text is never parsed back).
 */

/** The person categories `P.civilian()` names, read as one word. */
const CIVILIAN = ['child', 'civilian_internee', 'detained_civilian', 'foreign_national'];

const words = (code: string) => code.replaceAll('_', ' ');
const either = (xs: readonly string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`;

function ageText(p: Extract<Predicate, { op: 'age' }>): string {
  if (p.min !== undefined && p.max !== undefined)
    return p.min === p.max ? `aged ${p.min} on ${p.on}` : `aged ${p.min}–${p.max} on ${p.on}`;
  if (p.min !== undefined) return `aged ${p.min} or older on ${p.on}`;
  return `aged ${p.max} or younger on ${p.on}`;
}

function categoryText(values: readonly string[]): string {
  const set = [...new Set(values)].sort();
  if (set.join() === CIVILIAN.join()) return 'civilian';
  return either(set.map(words));
}

/** Wrap compound parts so "a and (b or c)" keeps its meaning. */
function part(p: Predicate): string {
  const text = describePredicate(p);
  return (p.op === 'all' || p.op === 'any') && p.of.length > 1 ? `(${text})` : text;
}

export function describePredicate(p: Predicate): string {
  switch (p.op) {
    case 'always':
      return 'anyone';
    case 'all':
      return p.of.map(part).join(' and ');
    case 'any':
      return p.of.map(part).join(' or ');
    case 'not':
      return `not ${part(p.of)}`;
    case 'age':
      return ageText(p);
    case 'category':
      return categoryText(p.in);
    case 'health':
      return `${words(p.flag)} (${p.medical ? 'medical determination' : 'as recorded'})`;
    case 'status':
      return `${p.dimension} status ${either(p.in.map(words))}`;
    case 'sex':
      return `sex ${either(p.in.map(words))}`;
    case 'citizenship':
      return `citizen of ${either(p.in)}`;
  }
}
