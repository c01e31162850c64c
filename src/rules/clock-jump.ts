// clock-jump: a file's clock jumped (domain join, time sync). Its times around the jump are
// not comparable with other files': the admin reading the evidence should know which ones.
// A file dated years after the rest (timeline/skew.ts) is the same finding at its largest.
import type { ClockSkew, Rule } from '../types.js';
import { chain } from './facts.js';

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function days(first: number, last: number): string {
  return day(first) === day(last) ? day(first) : `${day(first)} to ${day(last)}`;
}

function years(ms: number): string {
  const y = Math.round(ms / (365.25 * 86_400_000));
  return y >= 1 ? `${y} year${y > 1 ? 's' : ''}` : `${Math.round(ms / 86_400_000)} days`;
}

function fileName(file: string): string {
  return file.split('/').pop() ?? file;
}

function skewData(skew: ClockSkew): Record<string, string> {
  return {
    file: fileName(skew.file),
    stated: days(skew.statedFirst, skew.statedLast),
    others: days(skew.othersFirst, skew.othersLast),
    ahead: years(skew.shiftMs),
    days: String(Math.round(skew.shiftMs / 86_400_000)),
  };
}

function duration(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', s || (!h && !m) ? `${s} s` : ''].filter(Boolean).join(' ');
}

const rule: Rule = {
  meta: {
    id: 'clock-jump',
    title: 'The device clock jumped',
    description: 'A file\'s clock jumped (domain join, time sync), or a whole file is dated years after the others; its times around the jump are not comparable with other files\'.',
    explanation: 'The device clock jumped during provisioning (domain join or time sync); times on either side of the jump do not compare across files.',
    severity: 'info',
    fix: 'Nothing to change for the diagnosis; when comparing times across files, trust the order within each file. To avoid it, join the domain and sync time before the agent is installed.',
    references: ['FORMATS.md "Clocks": provisioning changes the clock; order within a file is the truth'],
    falsePositives: ['A log that was written by two processes with unsynchronised buffers can step back a second or two; jumps under 2 s are not reported.'],
    messages: {
      jumped: 'The clock jumped {direction} by {size} in {file} at line {line}{more}.',
      skewed: 'The lines of {file} are dated {stated}, {ahead} after the other logs ({others}): its date is wrong, not its order. '
        + 'Its lines were moved back {days} days onto the other logs\' days, keeping their time of day, so they can be read beside them; '
        + 'compare its times with the other files\' with care.',
    },
  },
  create(context) {
    return {
      end() {
        for (const skew of context.timeline.clockSkews) {
          context.report({
            messageId: 'skewed',
            data: skewData(skew),
            evidence: chain(skew.firstEvent),
            confidence: 'high',
            time: skew.firstEvent?.time ?? skew.othersFirst,
          });
        }
        const jumps = context.timeline.clockJumps;
        const first = jumps[0];
        if (!first?.clockJump) return;
        const files = new Set(jumps.map((j) => j.file));
        context.report({
          messageId: 'jumped',
          data: {
            direction: first.clockJump.deltaMs < 0 ? 'back' : 'forward',
            size: duration(first.clockJump.deltaMs),
            file: first.file,
            line: first.line,
            more: jumps.length > 1 ? ` (${jumps.length} jumps in ${files.size} file${files.size > 1 ? 's' : ''})` : '',
          },
          evidence: chain(jumps.slice(0, 6)),
          confidence: 'high',
          time: first.time,
        });
      },
    };
  },
};

export default rule;
