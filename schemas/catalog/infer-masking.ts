/** The default masking of a sensitive data item, from its column name and title. */
import type { MaskKind } from '../masking.ts';

const MASKING_RULES: readonly (readonly [MaskKind, RegExp])[] = [
  ['citizen-id', /id_?(card|no|num|number)|citizen|sfzh?|gmsfhm|zjhm|身份证号|公民身份号码|证件号/],
  ['uscc', /uscc|credit_?code|tyshxydm|信用代码/],
  ['bank-card', /bank|card_?(no|num)|account_?(no|num)|yhkh|银行卡|卡号|账号|帐号/],
  ['email', /e_?mail|dzyx|邮箱|电子邮件/],
  ['landline', /landline|gddh|座机|固定电话|固话|办公电话/],
  ['mobile', /mobile|phone|tel|sjh|lxdh|手机|电话|联系方式/],
  ['address', /addr|dz$|zz$|住址|地址|居住地|户籍地/],
  ['name', /(^|_)(name|xm|fddbr)($|_)|姓名|名字|联系人|法定代表人|负责人|户主/],
];

/**
 * The default masking of a sensitive data item, inferred from its column name and title (first match wins):
 * citizen-id (id_number, sfzh, 身份证号, 证件号), uscc (信用代码), bank-card (卡号, 账号), email (邮箱),
 * landline (座机, 固定电话), mobile (phone, 手机, 电话), address (地址, 住址), name (name, xm, 姓名, 联系人,
 * 法定代表人), otherwise `full`. Example: `{ name: 'lxdh', title: '联系电话' }` → `mobile`.
 */
export function inferMasking(field: { name: string; title: string }): MaskKind {
  const names = [field.name.toLowerCase(), field.title];
  for (const [kind, re] of MASKING_RULES) if (names.some((n) => re.test(n))) return kind;
  return 'full';
}
