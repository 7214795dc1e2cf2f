/**
 * The shared test vectors of citizen identity numbers and USCCs: used by the TS tests (citizen-id, uscc)
 * and by the SQL macro test, so both implementations are held to one table.
 * Public vectors are from DOMAIN.md §1-2 (the standards' examples, python-stdnum, hutool); synthetic ones
 * get their check character from `checksums.ts` (verified separately against the public vectors).
 */

import { citizenIdCheckChar, orgCodeCheckChar, usccCheckChar } from '../../schemas/checksums.ts';
import type { CitizenIdReason, CitizenIdWarning } from '../../schemas/citizen-id.ts';
import type { UsccReason, UsccWarning } from '../../schemas/uscc.ts';

/** A 17-digit body plus its GB 11643 check character. */
export const withCitizenCheck = (body: string): string => body + citizenIdCheckChar(body);
/** A 17-character USCC body plus its GB 32100 check character. */
export const withUsccCheck = (body: string): string => body + usccCheckChar(body);

export interface CitizenIdVector {
  readonly note: string;
  readonly input: string | null;
  readonly reason: CitizenIdReason | null;
  readonly normalized: string | null;
  readonly birthDate?: string;
  readonly sex?: '1' | '2';
  readonly division?: string;
  readonly warnings?: readonly CitizenIdWarning[];
}

export const CITIZEN_ID_VECTORS: readonly CitizenIdVector[] = [
  // --- public vectors, valid
  {
    note: 'GB 11643 example, 北京朝阳',
    input: '11010519491231002X',
    reason: null,
    normalized: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: '2',
    division: '110105',
  },
  {
    note: 'GB 11643 example, 汕头, born 1880',
    input: '440524188001010014',
    reason: null,
    normalized: '440524188001010014',
    birthDate: '1880-01-01',
    sex: '1',
    division: '440524',
  },
  {
    note: 'python-stdnum, 江西德安',
    input: '360426199101010071',
    reason: null,
    normalized: '360426199101010071',
    birthDate: '1991-01-01',
    sex: '1',
    division: '360426',
  },
  {
    note: 'python-stdnum, 广东番禺',
    input: '44011320141005001X',
    reason: null,
    normalized: '44011320141005001X',
    birthDate: '2014-10-05',
    sex: '1',
    division: '440113',
  },
  // --- normalisation
  {
    note: 'lower-case x',
    input: '11010519491231002x',
    reason: null,
    normalized: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: '2',
    division: '110105',
  },
  {
    note: 'full-width digits and Ｘ',
    input: '１１０１０５１９４９１２３１００２Ｘ',
    reason: null,
    normalized: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: '2',
    division: '110105',
  },
  {
    note: 'full-width ｘ, ideographic and ASCII spaces, tab',
    input: '\u3000 １１０１０５１９４９１２３１００２ｘ\t',
    reason: null,
    normalized: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: '2',
    division: '110105',
  },
  {
    note: '15 → 18 upgrade (DOMAIN example)',
    input: '110105491231002',
    reason: null,
    normalized: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: '2',
    division: '110105',
    warnings: ['upgraded-from-15'],
  },
  {
    note: '15-digit, full-width, padded',
    input: ' １１０１０５４９１２３１００２ ',
    reason: null,
    normalized: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: '2',
    division: '110105',
    warnings: ['upgraded-from-15'],
  },
  {
    note: '15-digit with sequence 996-999: century uncertain',
    input: '110105491231997',
    reason: null,
    normalized: '110105194912319972',
    birthDate: '1949-12-31',
    sex: '1',
    division: '110105',
    warnings: ['upgraded-from-15', 'century-uncertain'],
  },
  // --- divisions
  {
    note: 'abolished 110103 崇文区 is still known',
    input: withCitizenCheck('11010319800101001'),
    reason: null,
    normalized: withCitizenCheck('11010319800101001'),
    birthDate: '1980-01-01',
    sex: '1',
    division: '110103',
  },
  {
    note: '659012 白杨市 (2023)',
    input: withCitizenCheck('65901220200101002'),
    reason: null,
    normalized: withCitizenCheck('65901220200101002'),
    birthDate: '2020-01-01',
    sex: '2',
    division: '659012',
  },
  {
    note: 'Hong Kong residence permit 810000',
    input: withCitizenCheck('81000019900101001'),
    reason: null,
    normalized: withCitizenCheck('81000019900101001'),
    birthDate: '1990-01-01',
    sex: '1',
    division: '810000',
  },
  {
    note: 'Macau residence permit 820000',
    input: withCitizenCheck('82000019900101002'),
    reason: null,
    normalized: withCitizenCheck('82000019900101002'),
    birthDate: '1990-01-01',
    sex: '2',
    division: '820000',
  },
  {
    note: 'Taiwan residence permit 830000',
    input: withCitizenCheck('83000019900101003'),
    reason: null,
    normalized: withCitizenCheck('83000019900101003'),
    birthDate: '1990-01-01',
    sex: '1',
    division: '830000',
  },
  {
    note: 'unknown division 000000',
    input: withCitizenCheck('00000019900101001'),
    reason: 'division',
    normalized: withCitizenCheck('00000019900101001'),
  },
  {
    note: 'unknown division 999999',
    input: withCitizenCheck('99999919900101001'),
    reason: 'division',
    normalized: withCitizenCheck('99999919900101001'),
  },
  {
    note: 'xoyozo example: checksum right, 340524 in no table',
    input: '34052419800101001X',
    reason: 'division',
    normalized: '34052419800101001X',
  },
  {
    note: '15-digit upgrade of the xoyozo example',
    input: '340524800101001',
    reason: 'division',
    normalized: '34052419800101001X',
    warnings: ['upgraded-from-15'],
  },
  // --- missing
  { note: 'null', input: null, reason: 'missing', normalized: null },
  { note: 'empty', input: '', reason: 'missing', normalized: '' },
  { note: 'blank (spaces, ideographic space)', input: '  \u3000 ', reason: 'missing', normalized: '' },
  // --- format
  { note: '16 digits', input: '1101051949123100', reason: 'format', normalized: '1101051949123100' },
  { note: '19 digits', input: '4405241880010100141', reason: 'format', normalized: '4405241880010100141' },
  {
    note: 'letter other than X',
    input: '11010519491231002A',
    reason: 'format',
    normalized: '11010519491231002A',
  },
  {
    note: 'X not in last place',
    input: '1101051949123100X2',
    reason: 'format',
    normalized: '1101051949123100X2',
  },
  {
    note: 'internal space is not removed',
    input: '110105 19491231002X',
    reason: 'format',
    normalized: '110105 19491231002X',
  },
  { note: 'hyphenated', input: '110105-19491231-002X', reason: 'format', normalized: '110105-19491231-002X' },
  {
    note: '15 characters with a letter',
    input: '11010549123100X',
    reason: 'format',
    normalized: '11010549123100X',
  },
  { note: 'text', input: 'abc', reason: 'format', normalized: 'ABC' },
  // --- checksum
  {
    note: 'python-stdnum invalid vector',
    input: '36042619910102009X',
    reason: 'checksum',
    normalized: '36042619910102009X',
  },
  {
    note: 'last digit changed',
    input: '110105194912310021',
    reason: 'checksum',
    normalized: '110105194912310021',
  },
  {
    note: 'checksum wins over a bad date',
    input: '11010519490229002X',
    reason: 'checksum',
    normalized: '11010519490229002X',
  },
  // --- birth date
  {
    note: 'Feb 29 in a non-leap year',
    input: withCitizenCheck('11010519490229002'),
    reason: 'birth-date',
    normalized: withCitizenCheck('11010519490229002'),
  },
  {
    note: 'Feb 29 1900 (century, not leap)',
    input: withCitizenCheck('11010519000229002'),
    reason: 'birth-date',
    normalized: withCitizenCheck('11010519000229002'),
  },
  {
    note: 'Feb 29 2000 (leap)',
    input: withCitizenCheck('11010520000229002'),
    reason: null,
    normalized: withCitizenCheck('11010520000229002'),
    birthDate: '2000-02-29',
    sex: '2',
    division: '110105',
  },
  {
    note: 'month 13',
    input: withCitizenCheck('11010519491301002'),
    reason: 'birth-date',
    normalized: withCitizenCheck('11010519491301002'),
  },
  {
    note: 'day 00',
    input: withCitizenCheck('11010519491200002'),
    reason: 'birth-date',
    normalized: withCitizenCheck('11010519491200002'),
  },
  {
    note: 'April 31',
    input: withCitizenCheck('11010519490431002'),
    reason: 'birth-date',
    normalized: withCitizenCheck('11010519490431002'),
  },
  {
    note: 'before 1800',
    input: withCitizenCheck('11010517991231002'),
    reason: 'birth-date',
    normalized: withCitizenCheck('11010517991231002'),
  },
  {
    note: '1800-01-01 is the earliest date',
    input: withCitizenCheck('11010518000101002'),
    reason: null,
    normalized: withCitizenCheck('11010518000101002'),
    birthDate: '1800-01-01',
    sex: '2',
    division: '110105',
  },
  {
    note: 'future birth date',
    input: withCitizenCheck('11010520990101002'),
    reason: 'birth-date',
    normalized: withCitizenCheck('11010520990101002'),
  },
  {
    note: '15-digit with Feb 30',
    input: '110105490230002',
    reason: 'birth-date',
    normalized: withCitizenCheck('11010519490230002'),
    warnings: ['upgraded-from-15'],
  },
];

export interface UsccVector {
  readonly note: string;
  readonly input: string | null;
  readonly reason: UsccReason | null;
  readonly normalized: string | null;
  readonly authorityName?: string | null;
  readonly categoryName?: string | null;
  readonly division?: string;
  readonly orgCode?: string;
  readonly warnings?: readonly UsccWarning[];
}

export const USCC_VECTORS: readonly UsccVector[] = [
  // --- public vectors, valid
  {
    note: 'python-stdnum example',
    input: '91110000600037341L',
    reason: null,
    normalized: '91110000600037341L',
    authorityName: '工商',
    categoryName: '企业',
    division: '110000',
    orgCode: '600037341',
  },
  {
    note: 'hutool test',
    input: '91310110666007217T',
    reason: null,
    normalized: '91310110666007217T',
    authorityName: '工商',
    categoryName: '企业',
    division: '310110',
    orgCode: '666007217',
  },
  {
    note: '机构编制 / 事业单位',
    input: '121200004013590816',
    reason: null,
    normalized: '121200004013590816',
    authorityName: '机构编制',
    categoryName: '事业单位',
    division: '120000',
    orgCode: '401359081',
  },
  {
    note: 'org check X',
    input: '9144030071526726XG',
    reason: null,
    normalized: '9144030071526726XG',
    division: '440300',
    orgCode: '71526726X',
  },
  {
    note: 'new-style MA org code',
    input: '91340600MA2PBM9HXD',
    reason: null,
    normalized: '91340600MA2PBM9HXD',
    division: '340600',
    orgCode: 'MA2PBM9HX',
  },
  {
    note: 'USCC check 0',
    input: '91620105L015101280',
    reason: null,
    normalized: '91620105L015101280',
    division: '620105',
  },
  {
    note: '个体工商户',
    input: '92340602MA2PBMEM24',
    reason: null,
    normalized: '92340602MA2PBMEM24',
    authorityName: '工商',
    categoryName: '个体工商户',
  },
  // --- normalisation
  { note: 'lower case', input: '91110000600037341l', reason: null, normalized: '91110000600037341L' },
  {
    note: 'full width, padded',
    input: ' ９１３１０１１０６６６００７２１７Ｔ\u3000',
    reason: null,
    normalized: '91310110666007217T',
  },
  {
    note: 'full-width lower case',
    input: '９１３１０１１０６６６００７２１７ｔ',
    reason: null,
    normalized: '91310110666007217T',
  },
  // --- warnings
  {
    note: 'org-code check wrong (60003734-2)',
    input: withUsccCheck('91110000600037342'),
    reason: null,
    normalized: withUsccCheck('91110000600037342'),
    warnings: ['org-code-checksum'],
  },
  {
    note: 'unknown division 999999',
    input: withUsccCheck(`91999999600037341`),
    reason: null,
    normalized: withUsccCheck('91999999600037341'),
    warnings: ['unknown-division'],
  },
  {
    note: 'national level 100000 is not unknown',
    input: withUsccCheck(`91100000100000008`),
    reason: null,
    normalized: withUsccCheck('91100000100000008'),
    division: '100000',
    warnings: [],
  },
  {
    note: 'unknown category',
    input: withUsccCheck(`97110000${'60003734'}${orgCodeCheckChar('60003734')}`),
    reason: null,
    normalized: withUsccCheck('97110000600037341'),
    authorityName: '工商',
    categoryName: null,
  },
  // --- missing / format / checksum
  { note: 'null', input: null, reason: 'missing', normalized: null },
  { note: 'empty', input: '', reason: 'missing', normalized: '' },
  { note: 'blank', input: ' \t ', reason: 'missing', normalized: '' },
  {
    note: 'python-stdnum format vector (I O Z S V)',
    input: '9111000060003IOZSV',
    reason: 'format',
    normalized: '9111000060003IOZSV',
  },
  {
    note: 'letter in the division part',
    input: '911100A0600037341L',
    reason: 'format',
    normalized: '911100A0600037341L',
  },
  { note: '17 characters', input: '91110000600037341', reason: 'format', normalized: '91110000600037341' },
  {
    note: 'internal space',
    input: '91110000 600037341L',
    reason: 'format',
    normalized: '91110000 600037341L',
  },
  {
    note: 'python-stdnum checksum vector',
    input: '91110000600037341N',
    reason: 'checksum',
    normalized: '91110000600037341N',
  },
  // python-stdnum lists A1110000600037341L as a format error; GB 32100's charset (and the regex we use) allows A
  // in position 1 (中央军委改革和编制办公室), so here it fails on the check character.
  {
    note: 'A in position 1 is allowed; check fails',
    input: 'A1110000600037341L',
    reason: 'checksum',
    normalized: 'A1110000600037341L',
  },
  {
    note: 'vite whitelist code with a bad check',
    input: '91350203M0001QAY9B',
    reason: 'checksum',
    normalized: '91350203M0001QAY9B',
  },
];
