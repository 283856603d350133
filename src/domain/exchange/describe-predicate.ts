import { z } from 'zod';
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

/**
 * The description as message parts (catalogue codes with parameters, src/i18n/locales) for readers of
 * other languages: rendered one by one and concatenated, they give `describePredicate`'s text in
 * English. Each code lists its parameters; values are codes, `text` their English words.
 */
export const PredicateMessages = {
  'msg.predicate.age_between': ['min', 'max', 'on'],
  'msg.predicate.age_exact': ['age', 'on'],
  'msg.predicate.age_max': ['max', 'on'],
  'msg.predicate.age_min': ['min', 'on'],
  'msg.predicate.and': [],
  'msg.predicate.anyone': [],
  'msg.predicate.category': ['value', 'text'],
  'msg.predicate.citizenship': [],
  'msg.predicate.civilian': [],
  'msg.predicate.close': [],
  'msg.predicate.comma': [],
  'msg.predicate.country': ['code'],
  'msg.predicate.health_medical': ['flag', 'text'],
  'msg.predicate.health_recorded': ['flag', 'text'],
  'msg.predicate.not': [],
  'msg.predicate.open': [],
  'msg.predicate.or': [],
  'msg.predicate.sex': [],
  'msg.predicate.sex_value': ['value', 'text'],
  'msg.predicate.status': ['dimension'],
  'msg.predicate.status_value': ['value', 'text'],
} as const satisfies Record<string, readonly string[]>;
export type PredicateCode = keyof typeof PredicateMessages;

/** The predicate text as message codes (catalogue msg.predicate.*), rendered one by one and joined. */
export const PredicatePartsSchema = z
  .array(
    z.object({
      code: z.enum(Object.keys(PredicateMessages) as [PredicateCode, ...PredicateCode[]]),
      params: z.record(z.string(), z.union([z.string(), z.number()])),
    }),
  )
  .describe(
    'the predicate text as message codes (catalogue msg.predicate.*), rendered one by one and joined',
  );
export interface PredicatePart {
  code: PredicateCode;
  params: Record<string, string | number>;
}

const say = (code: PredicateCode, params: Record<string, string | number> = {}): PredicatePart => ({
  code,
  params,
});

/** "a, b or c" as parts, each value made by `item`. */
function eitherParts(items: readonly PredicatePart[]): PredicatePart[] {
  return items.flatMap((item, i) =>
    i === 0 ? [item] : [say(i === items.length - 1 ? 'msg.predicate.or' : 'msg.predicate.comma'), item],
  );
}

function joined(ps: readonly Predicate[], connective: PredicateCode): PredicatePart[] {
  return ps.flatMap((p, i) => (i === 0 ? partParts(p) : [say(connective), ...partParts(p)]));
}

function partParts(p: Predicate): PredicatePart[] {
  const parts = describePredicateParts(p);
  return (p.op === 'all' || p.op === 'any') && p.of.length > 1
    ? [say('msg.predicate.open'), ...parts, say('msg.predicate.close')]
    : parts;
}

function ageParts(p: Extract<Predicate, { op: 'age' }>): PredicatePart {
  if (p.min !== undefined && p.max !== undefined)
    return p.min === p.max
      ? say('msg.predicate.age_exact', { age: p.min, on: p.on })
      : say('msg.predicate.age_between', { min: p.min, max: p.max, on: p.on });
  if (p.min !== undefined) return say('msg.predicate.age_min', { min: p.min, on: p.on });
  return say('msg.predicate.age_max', { max: p.max ?? 0, on: p.on });
}

const valueParts = (code: PredicateCode, values: readonly string[]) =>
  eitherParts(values.map((value) => say(code, { value, text: words(value) })));

export function describePredicateParts(p: Predicate): PredicatePart[] {
  switch (p.op) {
    case 'always':
      return [say('msg.predicate.anyone')];
    case 'all':
      return joined(p.of, 'msg.predicate.and');
    case 'any':
      return joined(p.of, 'msg.predicate.or');
    case 'not':
      return [say('msg.predicate.not'), ...partParts(p.of)];
    case 'age':
      return [ageParts(p)];
    case 'category': {
      const set = [...new Set(p.in)].sort();
      if (set.join() === CIVILIAN.join()) return [say('msg.predicate.civilian')];
      return valueParts('msg.predicate.category', set);
    }
    case 'health':
      return [
        say(p.medical ? 'msg.predicate.health_medical' : 'msg.predicate.health_recorded', {
          flag: p.flag,
          text: words(p.flag),
        }),
      ];
    case 'status':
      return [
        say('msg.predicate.status', { dimension: p.dimension }),
        ...valueParts('msg.predicate.status_value', p.in),
      ];
    case 'sex':
      return [say('msg.predicate.sex'), ...valueParts('msg.predicate.sex_value', p.in)];
    case 'citizenship':
      return [
        say('msg.predicate.citizenship'),
        ...eitherParts(p.in.map((code) => say('msg.predicate.country', { code }))),
      ];
  }
}
