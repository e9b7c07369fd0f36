// What identifies an organization: its 全国地方公共団体コード and its name.
//
// The code is two digits of the prefecture (JIS X 0401, 01–47), three of the organization, and a check
// digit: 11 − (Σ digit × weight, weights 6,5,4,3,2) mod 11, keeping the last digit (so 10 → 0 and 11 → 1).
import { prefectureOf } from './prefectures.ts';

export function checkDigit(five: string): number {
  const weights = [6, 5, 4, 3, 2];
  let sum = 0;
  for (let i = 0; i < 5; i++) sum += Number(five[i]) * weights[i]!;
  return (11 - (sum % 11)) % 10;
}

export type OrgCodeCheck = { ok: true; code: string } | { ok: false; reason: string; reasonEn: string };

export function validateOrgCode(input: string): OrgCodeCheck {
  const code = input.normalize('NFKC').trim();
  if (!/^\d{6}$/.test(code)) {
    return {
      ok: false,
      reason: `全国地方公共団体コードは6桁の数字です（入力: 「${input}」）`,
      reasonEn: `an organization code is 6 digits (got "${input}")`,
    };
  }
  const expected = checkDigit(code.slice(0, 5));
  if (Number(code[5]) !== expected) {
    return {
      ok: false,
      reason: `全国地方公共団体コード ${code} の検査数字が違います（正しくは ${code.slice(0, 5)}${expected}）`,
      reasonEn: `organization code ${code} has a wrong check digit (expected ${code.slice(0, 5)}${expected})`,
    };
  }
  if (!prefectureOf(code)) {
    return {
      ok: false,
      reason: `全国地方公共団体コード ${code} の先頭2桁（${code.slice(0, 2)}）はどの都道府県のコードでもありません（01〜47）`,
      reasonEn: `organization code ${code} starts with ${code.slice(0, 2)}, which is no prefecture (01–47)`,
    };
  }
  return { ok: true, code };
}

/** Longest organization name accepted; the longest municipality names are well under 20 characters. */
export const MAX_ORG_NAME = 50;

export type OrgNameCheck = { ok: true; name: string } | { ok: false; reason: string; reasonEn: string };

/** An organization's name as it is printed on the portal: one line, not empty, not overlong. */
export function validateOrgName(input: string): OrgNameCheck {
  const name = input.normalize('NFC').trim();
  if (!name) return { ok: false, reason: '自治体名を入力してください', reasonEn: 'the organization name is empty' };
  if ([...name].length > MAX_ORG_NAME) {
    return {
      ok: false,
      reason: `自治体名は${MAX_ORG_NAME}文字までです（${[...name].length}文字）`,
      reasonEn: `the organization name is longer than ${MAX_ORG_NAME} characters`,
    };
  }
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    return {
      ok: false,
      reason: '自治体名は1行で、制御文字を含めずに入力してください',
      reasonEn: 'the organization name contains a line break or control character',
    };
  }
  return { ok: true, name };
}
