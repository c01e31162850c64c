// `ldforensics rules`: the rules with their metadata, for a person or as JSON.
import { rules } from '../rules/index.js';

export function renderRules(format: 'text' | 'json'): string {
  const metas = Object.values(rules).map((r) => r.meta);
  if (format === 'json') {
    return `${JSON.stringify(metas.map(({ messages: _messages, ...meta }) => meta), null, 2)}\n`;
  }
  return `${metas.map((m) => [
    `${m.id}  [${m.severity}]  ${m.title}`,
    `  ${m.description}`,
    `  fix: ${m.fix}`,
    ...m.falsePositives.map((f) => `  false positive: ${f}`),
  ].join('\n')).join('\n\n')}\n`;
}
