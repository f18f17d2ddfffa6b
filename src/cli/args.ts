// A tiny argument parser for the CLI commands: `--name value`, `--name=value`, boolean flags, `--` ends
// options, `-h` for --help, `-q` for --quiet. Unknown options and missing values are UserErrors.
import { UserError } from '../core/types';

export type FlagSpec = Record<string, 'value' | 'bool' | 'multi'>;

export interface ParsedArgs {
  positional: string[];
  /** Last value of a 'value' flag, true for a 'bool' flag. */
  flags: Map<string, string | true>;
  /** All values of 'multi' flags. */
  multi: Map<string, string[]>;
}

const SHORT: Record<string, string> = { h: 'help', q: 'quiet', o: 'out', f: 'force' };

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const multi = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq > 0 ? a.slice(eq + 1) : undefined;
    } else if (/^-[A-Za-z]$/.test(a) && SHORT[a[1]] && spec[SHORT[a[1]]]) {
      name = SHORT[a[1]];
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      throw new UserError(`unknown option ${a}; see --help`);
    }
    if (name === undefined) {
      positional.push(a);
      continue;
    }
    const kind = spec[name];
    if (!kind) throw new UserError(`unknown option --${name}; see --help`);
    if (kind === 'bool') {
      if (inline !== undefined && !/^(true|false|1|0|yes|no)$/i.test(inline)) throw new UserError(`--${name} takes no value`);
      if (inline === undefined || /^(true|1|yes)$/i.test(inline)) flags.set(name, true);
      else flags.delete(name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      // an option in its place (`--save -q`) means the value was left out
      const isOption = next !== undefined && ((next.startsWith('--') && next.length > 2) || (/^-[A-Za-z]$/.test(next) && !!SHORT[next[1]] && !!spec[SHORT[next[1]]]));
      if (next === undefined || isOption) throw new UserError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (kind === 'multi') {
      const arr = multi.get(name) ?? [];
      arr.push(value);
      multi.set(name, arr);
    }
    flags.set(name, value);
  }
  return { positional, flags, multi };
}

/** A 'value' flag restricted to choices. */
export function choice<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const v = args.flags.get(name);
  if (v === undefined || v === true) return fallback;
  if (!(choices as readonly string[]).includes(v)) throw new UserError(`--${name} must be one of ${choices.join(', ')} (got "${v}")`);
  return v as T;
}

/** A numeric flag within [min, max]. */
export function numberFlag(args: ParsedArgs, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  const v = args.flags.get(name);
  if (v === undefined || v === true) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UserError(`--${name} must be a number${Number.isFinite(min) ? ` from ${min}` : ''}${Number.isFinite(max) ? ` to ${max}` : ''} (got "${v}")`);
  return n;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}
