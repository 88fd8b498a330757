/**
 * Turns one benchmark run into bench/results.json (flat keys, for scripts) and bench/REPORT.md
 * (for people: machine, versions, every figure, each target met or missed and by how much, and
 * why where missed).
 */
import { writeFileSync } from 'node:fs';
import type { RunEnvironment } from './environment.js';
import { TARGETS, type Target, type TargetKey } from './targets.js';

/** What one benchmark section hands back. */
export interface Section {
  /** Figures by results.json key. */
  readonly figures: Readonly<Record<string, number>>;
  /** Keys it could not measure, with the reason. */
  readonly skipped?: Readonly<Record<string, string>>;
  /** What a figure that is not a target shows, by key. */
  readonly described?: Readonly<Record<string, string>>;
  /** Explanations by key (why a figure is what it is; shown with a missed target). */
  readonly notes?: Readonly<Record<string, string>>;
  /** Raw numbers behind the ratios, one line each. */
  readonly details?: readonly string[];
}

/** A whole run: where it ran and every section's results. */
export interface BenchRun {
  /** ISO time the run started. */
  readonly startedAt: string;
  /** Wall time of the run. */
  readonly durationSeconds: number;
  /** Machine and versions. */
  readonly environment: RunEnvironment;
  /** Results of every section, by section title. */
  readonly sections: Readonly<Record<string, Section>>;
}

/** The verdict on one target. */
export interface Verdict {
  readonly key: TargetKey;
  readonly target: Target;
  readonly value: number | undefined;
  /** `met`, `missed`, `reported` (no bound) or `skipped`. */
  readonly status: 'met' | 'missed' | 'reported' | 'skipped';
  /** How far inside or outside the bound, in words. */
  readonly margin: string;
}

const merged = (run: BenchRun) => {
  const figures: Record<string, number> = {};
  const skipped: Record<string, string> = {};
  const described: Record<string, string> = {};
  const notes: Record<string, string> = {};
  for (const s of Object.values(run.sections)) {
    Object.assign(figures, s.figures);
    Object.assign(skipped, s.skipped ?? {});
    Object.assign(described, s.described ?? {});
    Object.assign(notes, s.notes ?? {});
  }
  return { figures, skipped, described, notes };
};

/** Every target's verdict, in {@link TARGETS} order. */
export function verdicts(run: BenchRun): Verdict[] {
  const { figures, skipped } = merged(run);
  return (Object.entries(TARGETS) as [TargetKey, Target][]).map(([key, target]) => {
    const value = figures[key];
    if (value === undefined || !Number.isFinite(value)) {
      return { key, target, value: undefined, status: 'skipped', margin: skipped[key] ?? 'not measured' };
    }
    if (target.kind === 'reported' || target.bound === undefined)
      return { key, target, value, status: 'reported', margin: '' };
    const bound = target.bound;
    const pct = Math.abs((value - bound) / bound) * 100;
    const met = target.kind === 'min' ? value >= bound : value <= bound;
    const beyond = target.kind === 'min' ? 'short of' : 'over';
    return met
      ? { key, target, value, status: 'met', margin: `${pct.toFixed(1)}% inside the bound` }
      : { key, target, value, status: 'missed', margin: `${pct.toFixed(1)}% ${beyond} the bound` };
  });
}

/** The flat object written to results.json: every figure, and `<key>Skipped` with the reason for each skipped one. */
export function resultsJson(run: BenchRun): Record<string, number | string | null> {
  const { figures, skipped } = merged(run);
  const out: Record<string, number | string | null> = { generatedAt: run.startedAt };
  for (const key of Object.keys(TARGETS)) out[key] = figures[key] ?? null;
  for (const [key, value] of Object.entries(figures)) out[key] = value;
  for (const [key, reason] of Object.entries(skipped)) {
    out[key] ??= null;
    out[`${key}Skipped`] = reason;
  }
  return out;
}

const show = (value: number | undefined, unit: string): string =>
  value === undefined
    ? '—'
    : `${Number.isInteger(value) ? value : value.toFixed(value < 10 ? 3 : 1)} ${unit}`;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown report. */
export function renderReport(run: BenchRun): string {
  const { figures, skipped, described, notes } = merged(run);
  const all = verdicts(run);
  const lines: string[] = [
    '# Benchmark report',
    '',
    `Written by \`npm run bench\` on ${run.startedAt} (run took ${run.durationSeconds.toFixed(0)} s).`,
    'Each figure is a ratio to what a platform engineer would use instead, measured in the same run on',
    'the same machine, or a plain measurement where the issue asks only for the number. Loopback only.',
    '',
    '## Machine',
    '',
    ...Object.entries(run.environment.machine).map(([k, v]) => `- ${k}: ${v}`),
    '',
    '## Versions',
    '',
    ...Object.entries(run.environment.versions).map(([k, v]) => `- ${k}: ${v}`),
    '',
    '## Targets',
    '',
    '| key | what | figure | target | verdict |',
    '| --- | --- | --- | --- | --- |',
    ...all.map((v) => {
      const bound =
        v.target.kind === 'reported'
          ? 'reported'
          : `${relation(v.target)} ${v.target.bound} ${v.target.unit}`;
      const verdict =
        v.status === 'met' || v.status === 'missed' ? `**${v.status}** (${v.margin})` : v.status;
      const shown = v.status === 'skipped' ? `skipped: ${v.margin}` : show(v.value, v.target.unit);
      return `| \`${v.key}\` | ${cell(v.target.what)} | ${cell(shown)} | ${bound} | ${verdict} |`;
    }),
    '',
  ];
  const missed = all.filter((v) => v.status === 'missed');
  lines.push('## Missed targets, and why', '');
  if (missed.length === 0) lines.push('None.', '');
  for (const v of missed) {
    lines.push(
      `- \`${v.key}\`: ${show(v.value, v.target.unit)} against ${relation(v.target)} ${v.target.bound} ${v.target.unit} (${v.margin}). ${notes[v.key] ?? 'No explanation recorded.'}`,
    );
  }
  if (missed.length > 0) lines.push('');
  const explained = Object.entries(notes).filter(([k]) => !missed.some((v) => v.key === k));
  if (explained.length > 0) {
    lines.push('## Notes', '', ...explained.map(([k, text]) => `- \`${k}\`: ${text}`), '');
  }
  const extra = Object.keys(figures).filter((k) => !(k in TARGETS));
  if (extra.length > 0) {
    lines.push('## Other figures', '', '| key | what | figure |', '| --- | --- | --- |');
    for (const k of extra) lines.push(`| \`${k}\` | ${cell(described[k] ?? '')} | ${show(figures[k], '')} |`);
    lines.push('');
  }
  const otherSkips = Object.entries(skipped).filter(([k]) => !(k in TARGETS));
  if (otherSkips.length > 0) {
    lines.push('## Not measured', '', ...otherSkips.map(([k, why]) => `- \`${k}\`: ${why}`), '');
  }
  lines.push('## Raw numbers', '');
  for (const [title, section] of Object.entries(run.sections)) {
    lines.push(`### ${title}`, '', ...(section.details ?? ['(none)']).map((d) => `- ${d}`), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Writes results.json and REPORT.md into `dir` (a URL ending in `/`). */
export function writeReport(dir: URL, run: BenchRun): void {
  writeFileSync(new URL('results.json', dir), `${JSON.stringify(resultsJson(run), null, 2)}\n`);
  writeFileSync(new URL('REPORT.md', dir), renderReport(run));
}

/** The comparison a bounded target asks for. */
function relation(target: Target): string {
  return target.kind === 'min' ? '≥' : '≤';
}
