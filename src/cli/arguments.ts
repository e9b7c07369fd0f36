// The options every command shares, checked before a database is opened: a mistyped command touches nothing.
import { validateOrgCode } from '../domain/org-code.ts';
import { UsageError } from './usage-error.ts';

/** --org CODE: a 全国地方公共団体コード with its check digit. */
export function requireOrg(value: unknown): string {
  if (typeof value !== 'string') throw new UsageError('--org CODE が必要です / --org CODE is required');
  const check = validateOrgCode(value);
  if (!check.ok) throw new UsageError(`${check.reason} / ${check.reasonEn}`);
  return check.code;
}

/** --year YYYY: a fiscal year in the Western calendar. */
export function requireYear(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{4}$/.test(value)) {
    throw new UsageError('--year YYYY（西暦の年度、例: 2023）が必要です / --year YYYY is required');
  }
  return Number(value);
}
