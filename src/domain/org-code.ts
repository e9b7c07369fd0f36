// 全国地方公共団体コード: five digits and a check digit. The check digit is
// 11 − (Σ digit × weight, weights 6,5,4,3,2) mod 11, keeping the last digit (so 10 → 0 and 11 → 1).
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
  return { ok: true, code };
}
