/**
 * Daitch–Mokotoff Soundex, the phonetic code made for Slavic and Yiddish surnames: six digits, with
 * branches where a letter group has two readings (ch as in Chaim or in Charkow). Rules as published
 * by Gary Mokotoff (avotaynu.com/soundex.htm); same results as Apache Commons Codec for ASCII input.
 */

/** [at the start of the name, before a vowel, elsewhere]; '' is "not coded"; '|' separates branches. */
type Codes = readonly [string, string, string];

// biome-ignore format: the published table, one rule per entry
const RULES: readonly (readonly [string, Codes])[] = [
  ['schtsch', ['2', '4', '4']], ['schtsh', ['2', '4', '4']], ['schtch', ['2', '4', '4']],
  ['shtch', ['2', '4', '4']], ['shtsh', ['2', '4', '4']], ['stsch', ['2', '4', '4']],
  ['ttsch', ['4', '4', '4']], ['zhdzh', ['2', '4', '4']],
  ['shch', ['2', '4', '4']], ['scht', ['2', '43', '43']], ['schd', ['2', '43', '43']],
  ['stch', ['2', '4', '4']], ['strz', ['2', '4', '4']], ['strs', ['2', '4', '4']],
  ['stsh', ['2', '4', '4']], ['szcz', ['2', '4', '4']], ['szcs', ['2', '4', '4']],
  ['ttch', ['4', '4', '4']], ['tsch', ['4', '4', '4']], ['ttsz', ['4', '4', '4']],
  ['zdzh', ['2', '4', '4']], ['zsch', ['4', '4', '4']],
  ['chs', ['5', '54', '54']], ['csz', ['4', '4', '4']], ['czs', ['4', '4', '4']],
  ['drz', ['4', '4', '4']], ['drs', ['4', '4', '4']], ['dsh', ['4', '4', '4']], ['dsz', ['4', '4', '4']],
  ['dzh', ['4', '4', '4']], ['dzs', ['4', '4', '4']], ['sch', ['4', '4', '4']], ['sht', ['2', '43', '43']],
  ['szt', ['2', '43', '43']], ['shd', ['2', '43', '43']], ['szd', ['2', '43', '43']],
  ['tch', ['4', '4', '4']], ['trz', ['4', '4', '4']], ['trs', ['4', '4', '4']], ['tsh', ['4', '4', '4']],
  ['tts', ['4', '4', '4']], ['ttz', ['4', '4', '4']], ['tzs', ['4', '4', '4']], ['tsz', ['4', '4', '4']],
  ['zdz', ['2', '4', '4']], ['zhd', ['2', '43', '43']], ['zsh', ['4', '4', '4']],
  ['ai', ['0', '1', '']], ['aj', ['0', '1', '']], ['ay', ['0', '1', '']], ['au', ['0', '7', '']],
  ['ch', ['5|4', '5|4', '5|4']], ['ck', ['5|45', '5|45', '5|45']], ['cz', ['4', '4', '4']],
  ['cs', ['4', '4', '4']], ['ds', ['4', '4', '4']], ['dz', ['4', '4', '4']], ['dt', ['3', '3', '3']],
  ['ei', ['0', '1', '']], ['ej', ['0', '1', '']], ['ey', ['0', '1', '']], ['eu', ['1', '1', '']],
  ['fb', ['7', '7', '7']], ['ia', ['1', '', '']], ['ie', ['1', '', '']], ['io', ['1', '', '']],
  ['iu', ['1', '', '']], ['ks', ['5', '54', '54']], ['kh', ['5', '5', '5']], ['mn', ['66', '66', '66']],
  ['nm', ['66', '66', '66']], ['oi', ['0', '1', '']], ['oj', ['0', '1', '']], ['oy', ['0', '1', '']],
  ['pf', ['7', '7', '7']], ['ph', ['7', '7', '7']], ['rz', ['94|4', '94|4', '94|4']],
  ['rs', ['94|4', '94|4', '94|4']], ['sh', ['4', '4', '4']], ['sc', ['2', '4', '4']],
  ['st', ['2', '43', '43']], ['sz', ['4', '4', '4']], ['sd', ['2', '43', '43']], ['th', ['3', '3', '3']],
  ['ts', ['4', '4', '4']], ['tc', ['4', '4', '4']], ['tz', ['4', '4', '4']], ['ui', ['0', '1', '']],
  ['uj', ['0', '1', '']], ['uy', ['0', '1', '']], ['ue', ['0', '', '']], ['zd', ['2', '43', '43']],
  ['zh', ['4', '4', '4']], ['zs', ['4', '4', '4']],
  ['a', ['0', '', '']], ['b', ['7', '7', '7']], ['c', ['5|4', '5|4', '5|4']], ['d', ['3', '3', '3']],
  ['e', ['0', '', '']], ['f', ['7', '7', '7']], ['g', ['5', '5', '5']], ['h', ['5', '5', '']],
  ['i', ['0', '', '']], ['j', ['1|4', '|4', '|4']], ['k', ['5', '5', '5']], ['l', ['8', '8', '8']],
  ['m', ['6', '6', '6']], ['n', ['6', '6', '6']], ['o', ['0', '', '']], ['p', ['7', '7', '7']],
  ['q', ['5', '5', '5']], ['r', ['9', '9', '9']], ['s', ['4', '4', '4']], ['t', ['3', '3', '3']],
  ['u', ['0', '', '']], ['v', ['7', '7', '7']], ['w', ['7', '7', '7']], ['x', ['5', '54', '54']],
  ['y', ['1', '', '']], ['z', ['4', '4', '4']],
];

const BY_FIRST = new Map<string, (readonly [string, Codes])[]>();
for (const rule of RULES) {
  const list = BY_FIRST.get(rule[0][0]!) ?? [];
  list.push(rule);
  BY_FIRST.set(rule[0][0]!, list);
}
for (const list of BY_FIRST.values()) list.sort((a, b) => b[0].length - a[0].length);

const VOWELS = 'aeiouy';
const MAX_BRANCHES = 8;

interface Branch {
  code: string;
  last: string;
}

/**
 * The Daitch–Mokotoff codes of one word (letters a–z; anything else is ignored), one per branch,
 * each six digits. An empty word gives [].
 */
export function daitchMokotoff(word: string): string[] {
  const s = word.toLowerCase().replace(/[^a-z]/g, '');
  if (s.length === 0) return [];
  let branches: Branch[] = [{ code: '', last: '' }];
  let i = 0;
  while (i < s.length) {
    const rule = BY_FIRST.get(s[i]!)?.find(([pattern]) => s.startsWith(pattern, i));
    if (!rule) {
      i += 1;
      continue;
    }
    const [pattern, codes] = rule;
    const next = s[i + pattern.length];
    const which = i === 0 ? 0 : next !== undefined && VOWELS.includes(next) ? 1 : 2;
    const alternatives = codes[which]!.split('|');
    const grown: Branch[] = [];
    const seen = new Set<string>();
    for (const b of branches) {
      for (const alt of alternatives) {
        // Two adjacent letter groups with the same code are coded once (MN and NM excepted).
        const append = b.last === '' || !b.last.endsWith(alt) || pattern === 'mn' || pattern === 'nm';
        const code = append ? b.code + alt : b.code;
        const key = `${code}/${alt}`;
        if (seen.has(key) || grown.length >= MAX_BRANCHES) continue;
        seen.add(key);
        grown.push({ code, last: alt });
      }
    }
    branches = grown;
    i += pattern.length;
  }
  return [...new Set(branches.map((b) => `${b.code}000000`.slice(0, 6)))];
}
