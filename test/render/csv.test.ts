import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csv } from '../../src/render/csv.js';
import { clean, HOSTILE, injection, race, report, single } from '../fixtures/report.js';

const raceFinding = race.findings[0];
if (!raceFinding) throw new Error('fixture: the race device has a finding');

/** The columns the first version of the CSV had, in order: the tests below read a row by them. */
const FIRST = ['device', 'verdict', 'confidence', 'failed_package', 'action_number', 'failure_time', 'findings', 'files', 'unparsed_lines'] as const;

/** A row's cells in the given columns. */
function pick(row: string[] | undefined, columns: readonly string[] = FIRST): string[] {
  return columns.map((name) => row?.[(CSV_COLUMNS as readonly string[]).indexOf(name)] ?? '<no such column>');
}

function rows(text: string): string[][] {
  const parsed: unknown = parse(text, { bom: true, relax_column_count: false });
  if (!Array.isArray(parsed)) throw new Error('csv-parse returned no rows');
  return parsed.map((row: unknown) => (Array.isArray(row) ? row.map(String) : []));
}

describe('csv', () => {
  const text = csv.render(report);
  const table = rows(text);

  it('has the header, then one row per device', () => {
    expect(table[0]).toEqual([...CSV_COLUMNS]);
    expect(table).toHaveLength(report.devices.length + 1);
  });

  it('ends every record with CRLF (RFC 4180)', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    // Outside quoted cells there is no bare LF.
    const unquoted = text.replace(/"(?:[^"]|"")*"/g, '');
    expect(unquoted.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes the race device cell by cell', () => {
    expect(pick(table[1])).toEqual([
      'LAB-PC-017',
      'vulscan-blocked-sdclient',
      'high',
      'Adobe Reader DC',
      '7',
      '2026-03-09T10:02:13',
      'vulscan-blocked-sdclient',
      '5',
      '3',
    ]);
  });

  it('leaves unknowns empty for the clean device', () => {
    expect(pick(table[2])).toEqual(['LAB-PC-018', 'no-failure', '', '', '', '', 'provisioning-agent-active', '4', '0']);
  });

  it('writes the unexplained device', () => {
    expect(pick(table[3])).toEqual([
      'LAB-PC-023',
      'unexplained-failure',
      'low',
      'Java 8 Update 351',
      '9',
      '2026-03-11T11:20:41',
      'unexplained-failure',
      '4',
      '26',
    ]);
  });

  it('guards formulas in text cells with a leading quote, keeping the text', () => {
    expect(pick(table[4])).toEqual([
      `'${HOSTILE.hyperlink}`,
      'policysync-blocked-sdclient',
      'medium',
      `'${HOSTILE.dde}`,
      '3',
      '2026-03-10T14:20:07',
      'policysync-blocked-sdclient',
      '2',
      '1',
    ]);
  });

  it('guards @, -, TAB and CR starts, and makes ESC visible', () => {
    const hostile = single({
      ...injection,
      device: HOSTILE.sum,
      verdict: '-2+3',
      failedPackage: '\tcmd',
      failureTime: '\r=1',
      findings: [{ ...raceFinding, rule: `${HOSTILE.sgr}x` }],
    });
    const [, row] = rows(csv.render(hostile));
    // No finding has the verdict's id, so the confidence is unknown: an empty cell.
    expect(pick(row)).toEqual([`'${HOSTILE.sum}`, "'-2+3", '', "'\tcmd", '3', "'\r=1", '\\x1b[31mx', '2', '1']);
  });

  it('joins several finding rule ids with ";"', () => {
    const two = single({ ...clean, findings: [...clean.findings, { ...raceFinding, rule: 'scan-during-provisioning', severity: 'warning' }] });
    expect(pick(rows(csv.render(two))[1], ['findings'])).toEqual(['provisioning-agent-active;scan-during-provisioning']);
  });

  it('has the columns a fleet pivot needs: severity, return code, what was in the way, template, agent, at risk, fix in place, bundle', () => {
    const columns = ['severity', 'return_code', 'return_code_hex', 'in_the_way', 'template', 'agent_version', 'at_risk', 'fix_in_place', 'bundle', 'failure_time'];
    const detailed = single({ ...race, failedCode: -1917517692, template: 'Win10 Lab build', agentVersion: '11.0.5.361', source: 'share/LAB-PC-017', failureTime: '2026-03-09T10:02:13.250' });
    expect(pick(rows(csv.render(detailed))[1], columns)).toEqual(['error', '-1917517692', '0x8DB50084', 'vulscan', 'Win10 Lab build', '11.0.5.361', 'no', 'no', 'share/LAB-PC-017', '2026-03-09T10:02:13']);
    const risky = single({ ...clean, findings: [...clean.findings, { ...raceFinding, rule: 'scan-during-provisioning', severity: 'warning' }] });
    expect(pick(rows(csv.render(risky))[1], columns)).toEqual(['none', '', '', 'none', '', '', 'yes', 'yes', '', '']);
  });
});

describe('csv for Excel', () => {
  it('starts with the UTF-8 byte order mark, once, so Excel does not read it as ANSI', () => {
    const text = csv.render(report);
    expect(text.startsWith('\uFEFFdevice,verdict,')).toBe(true);
    expect(text.indexOf('\uFEFF', 1)).toBe(-1);
  });
});
