// C:\ldprovisioning\ProvisionGUI.exe.log: the provisioning agent's own log (seen: admins'
// checking scripts read it there). The action being run is announced in "set print" lines, the
// result comes on later lines, and the misspelling "Recieved" is real:
//   2026-03-09 10:02:11(2212-2240) Recieved command to set print: <Action><ActionId>7</ActionId><ActionName>Office 2016 ProPlus</ActionName><Type>Distribute software</Type></Action>
//   2026-03-09 10:02:13(2212-2240) Action 7 FAILED, return:-1917517692
// A result line may not name its action (a bare "SUCCESS", "FAILED" or "return:<code>"): it is
// the action last announced. The wording is data in the pattern pack; what this module adds is
// that memory, and that one action's several result lines make one action-result, not several.
import { isSuccessCode } from './codes.js';
import { collectEntries, eventOfEntry, sniffByPatterns } from './line-log.js';
import type { ParseResult, Parser } from './parser.js';
import type { PatternSet } from './patterns.js';
import type { Event } from '../types.js';

const KIND = 'provision-gui';

/** The action last announced: what a result line that names no action is about. */
interface Current {
  number?: number;
  name?: string;
  type?: string;
  /** The result already given for it: later result lines only add to it. */
  result?: Event;
  /** "set print: Action" was seen: the next unrecognised line is the action's name. */
  nameFollows: boolean;
}

function announce(current: Current, event: Event): Current {
  if (event.actionNumber === undefined && event.actionName === undefined) {
    // "Recieved command to set print: Action": its name follows on the next line.
    return { nameFollows: true };
  }
  // The XML line after "set print: Action" + name describes the same action: keep the name seen.
  const same = current.result === undefined && (current.number === undefined || current.number === event.actionNumber);
  const next: Current = { nameFollows: false };
  const number = event.actionNumber ?? (same ? current.number : undefined);
  const name = event.actionName ?? (same ? current.name : undefined);
  const type = event.actionType ?? (same ? current.type : undefined);
  if (number !== undefined) next.number = number;
  if (name !== undefined) next.name = name;
  if (type !== undefined) next.type = type;
  return next;
}

/** Fills a result line's missing action from the one announced; true when it is a new result. */
function resolveResult(current: Current, event: Event): boolean {
  const about = event.actionNumber === undefined || event.actionNumber === current.number;
  if (about) {
    if (event.actionNumber === undefined && current.number !== undefined) event.actionNumber = current.number;
    if (event.actionName === undefined && current.name !== undefined) event.actionName = current.name;
    if (event.actionType === undefined && current.type !== undefined) event.actionType = current.type;
  }
  // return:0 and return:3010 are success (seen); a code decides over a bare SUCCESS / FAILED word.
  if (event.code !== undefined) event.outcome = isSuccessCode(event.code) ? 'completed' : 'failed';
  const earlier = about ? current.result : undefined;
  if (earlier) {
    // "FAILED" then "return:-1917517692" for the same action: one result, completed with the code.
    if (earlier.code === undefined && event.code !== undefined) {
      earlier.code = event.code;
      earlier.outcome = event.outcome;
    }
    return false;
  }
  if (about) current.result = event;
  return true;
}

const parser: Parser = {
  kind: KIND,
  label: 'ProvisionGUI',
  timestamped: true,
  sniff(firstLines: string[], patterns: PatternSet): number {
    return sniffByPatterns(KIND, firstLines, patterns);
  },
  async parse(batches, context): Promise<ParseResult> {
    let current: Current = { nameFollows: false };
    return collectEntries(batches, context.file, 'ProvisionGUI', (entry, _firstLine, collector) => {
      const event = eventOfEntry(KIND, entry, context);
      let known = event.pattern !== undefined;
      if (event.kind === 'action-started') {
        current = announce(current, event);
      } else if (event.kind === 'action-result') {
        // A repeated result line of the same action stays in the timeline as an ordinary line.
        if (!resolveResult(current, event)) event.kind = 'message';
      } else if (event.pattern === undefined && current.nameFollows) {
        current.name = (entry.text.split('\n', 1)[0] ?? '').trim();
        current.nameFollows = false;
        // The name line after "Starting action" is known by its place, not its wording.
        known = true;
      }
      collector.add(event);
      return known;
    }, context.keepMaxEvents);
  },
};

export default parser;
