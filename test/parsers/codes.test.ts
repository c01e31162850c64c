import { describe, expect, it } from 'vitest';
import { hexCode, isSuccessCode, parseCode, SDCLIENT_SUCCESS } from '../../src/parsers/codes.js';

describe('parseCode', () => {
  it.each([
    ['0', 0],
    ['-1916', -1916],
    ['+5', 5],
    ['1603', 1603],
    ['229965824', 229965824],
    ['0x0DB50000', 229965824],
    ['0x8DB50084', -1917517692],
    ['0x8db5270f', -1917507825],
    ['0X00000643', 1603],
    ['4294967295', -1],
    ['0xFFFFFFFF', -1],
    ['-2147483648', -2147483648],
    ['-0x10', -16],
    [' 42 ', 42],
  ])('reads %j as %d', (text, code) => {
    expect(parseCode(text)).toBe(code);
  });

  it.each([
    [undefined],
    [''],
    ['12a'],
    ['0x'],
    ['0xG1'],
    ['1.5'],
    ['4294967296'],
    ['0x100000000'],
    ['-2147483649'],
    ['99999999999999999999'],
  ])('refuses %j', (text) => {
    expect(parseCode(text)).toBeNull();
  });

  it('gives one value for one code however it is written', () => {
    expect(parseCode('-1916')).toBe(parseCode('0xFFFFF884'));
    expect(parseCode('4294965380')).toBe(parseCode('-1916'));
  });
});

describe('isSuccessCode', () => {
  it.each([
    [0, true],
    [SDCLIENT_SUCCESS, true],
    [229965824, true],
    [3010, true],
    [1641, true],
    [1603, false],
    [-1916, false],
    [1, false],
    [parseCode('0x8DB5270F') ?? 0, false],
  ])('%d → %s', (code, success) => {
    expect(isSuccessCode(code)).toBe(success);
  });
});

describe('hexCode', () => {
  it.each([
    [0, '0x00000000'],
    [1603, '0x00000643'],
    [229965824, '0x0DB50000'],
    [-1916, '0xFFFFF884'],
    [-1917517692, '0x8DB50084'],
    [-1, '0xFFFFFFFF'],
  ])('%d → %s', (code, hex) => {
    expect(hexCode(code)).toBe(hex);
  });

  it('round-trips through parseCode', () => {
    for (const code of [0, 1, -1, 1603, -1916, 229965824, -2147483648, 2147483647]) {
      expect(parseCode(hexCode(code))).toBe(code);
    }
  });
});
