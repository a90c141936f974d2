/**
 * What is wrong with a cron pattern, in Conveyor's words. cron-parser decides
 * whether a pattern is valid; this only explains a refusal, so a caller never
 * sees the library's text (and the two cannot disagree about what is valid).
 */

interface CronField {
  name: string;
  min: number;
  max: number;
  aliases?: readonly string[];
}

const MONTHS = 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC'.split(' ');
const DAYS = 'SUN MON TUE WED THU FRI SAT'.split(' ');

const FIELDS: readonly CronField[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, aliases: MONTHS },
  { name: 'day-of-week', min: 0, max: 7, aliases: DAYS },
];

const SHAPE =
  'expected 5 or 6 fields (second? minute hour day-of-month month day-of-week)';

/** Why a pattern cron-parser refused is not a cron pattern. */
export function cronProblem(pattern: string): string {
  const texts = pattern.trim().split(/\s+/);
  const head = `"${pattern}" is not a cron pattern`;
  if (texts.length < 5 || texts.length > 6)
    return `${head}: ${SHAPE}, got ${texts.length}`;
  const fields = texts.length === 6 ? FIELDS : FIELDS.slice(1);
  for (const [i, text] of texts.entries()) {
    const field = fields[i];
    const problem = field && fieldProblem(text, field);
    if (problem) return `${head}: ${problem}`;
  }
  return `${head}: no date matches it (like 30 February), or its fields cannot be combined`;
}

function fieldProblem(text: string, field: CronField): string | null {
  for (const item of text.split(',')) {
    const problem = itemProblem(item, field);
    if (problem) return problem;
  }
  return null;
}

function itemProblem(item: string, field: CronField): string | null {
  const { name } = field;
  const [base = '', step, ...more] = item.split('/');
  if (item === '') return `the ${name} field has an empty list item`;
  if (more.length > 0) return `${name} "${item}" has more than one step`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step))
    return `the step of ${name} "${item}" is not a whole number of at least 1`;
  if (base === '*' || (base === '?' && name.startsWith('day-'))) return null;
  if (name === 'day-of-month' && /^(L|LW|L-\d+)$/i.test(base)) return null;
  const special = /^(\w+)(L|W|#\d+)$/i.exec(base);
  if (special) return specialProblem(special, field);
  const ends = base.split('-');
  if (ends.length > 2) return `${name} "${base}" is not a value or a range`;
  const values: number[] = [];
  for (const end of ends) {
    const value = valueOf(end, field);
    if (typeof value === 'string') return value;
    values.push(value);
  }
  const [from = 0, to = from] = values;
  if (from > to) return `the ${name} range "${base}" runs backwards`;
  return null;
}

/** `15W` (weekday nearest the 15th), `5L` (last Friday), `5#3` (third Friday). */
function specialProblem(
  [whole, value = '', suffix = '']: RegExpExecArray,
  field: CronField,
): string | null {
  const known =
    field.name === 'day-of-month'
      ? suffix.toUpperCase() === 'W'
      : field.name === 'day-of-week' && suffix.toUpperCase() !== 'W';
  if (!known) return `${field.name} "${whole}" is not a value or a range`;
  const problem = valueOf(value, field);
  if (typeof problem === 'string') return problem;
  const nth = Number(suffix.slice(1));
  if (suffix.startsWith('#') && (nth < 1 || nth > 5))
    return `day-of-week "${whole}" asks for occurrence ${nth} of a month, which has 1 to 5`;
  return null;
}

/** A field's number or name, or what is wrong with it. */
function valueOf(text: string, field: CronField): number | string {
  const { name, min, max, aliases } = field;
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < min || value > max)
      return `${name} ${value} is out of range (${min}-${max})`;
    return value;
  }
  const alias = aliases?.indexOf(text.toUpperCase()) ?? -1;
  if (alias >= 0) return alias + (name === 'month' ? 1 : 0);
  const names = aliases ? ` or a name (${aliases[0]}-${aliases.at(-1)})` : '';
  return `${name} "${text}" is not a number from ${min} to ${max}${names}`;
}
