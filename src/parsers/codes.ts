// Return codes in EPM logs are HRESULT-like and written either way: signed decimal
// ("result -1916"), unsigned decimal ("229965824") or hex ("0x8DB50084"). We hold them
// as signed 32-bit integers so one code compares equal however it was written.

/** Parses a decimal or 0x-hex code into a signed 32-bit integer; null when it is not a code. */
export function parseCode(text: string | undefined): number | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  let value: number;
  if (/^[-+]?0x[0-9a-f]+$/i.test(trimmed)) {
    const negative = trimmed.startsWith('-');
    value = parseInt(trimmed.replace(/^[-+]?0x/i, ''), 16);
    if (negative) value = -value;
  } else if (/^[-+]?\d+$/.test(trimmed)) {
    value = Number(trimmed);
  } else {
    return null;
  }
  if (!Number.isSafeInteger(value) || value > 0xffffffff || value < -0x80000000) return null;
  return value | 0;
}

/** 0x0DB50000: sdclient's own "success" HRESULT, shown as 229965824 in logs. */
export const SDCLIENT_SUCCESS = 0x0db50000;

/**
 * Codes that mean the action worked: 0, sdclient's success HRESULT, and the Windows
 * installer's "success, reboot required / initiated" (3010, 1641), which a provisioning
 * template treats as success.
 */
export function isSuccessCode(code: number): boolean {
  return code === 0 || code === SDCLIENT_SUCCESS || code === 3010 || code === 1641;
}

/** The code as 0x-hex, as the console and Ivanti's documents show it. */
export function hexCode(code: number): string {
  return `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}
