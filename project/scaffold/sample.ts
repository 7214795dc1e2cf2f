/**
 * The sample department extract `gongshu init` writes: a household register of the node's county (公安 户籍),
 * GB18030-encoded with CRLF line ends as departments send it, with two bad rows (a wrong check character and
 * a missing identity number) that the loader quarantines.
 */
import iconv from 'iconv-lite';
import { citizenIdCheckChar } from '../../schemas/index.ts';

/** The header of the sample: the catalog fields' titles. */
export const SAMPLE_HEADER = [
  '公民身份号码',
  '姓名',
  '性别',
  '出生日期',
  '民族',
  '行政区划代码',
  '登记日期',
] as const;

const NAMES = [
  '王建国',
  '李秀英',
  '张伟',
  '刘芳',
  '阿不都热合曼',
  '古丽娜尔',
  '陈志强',
  '杨丽',
  '马明',
  '赵静',
  '艾尔肯',
  '帕提古丽',
  '周勇',
  '吴敏',
  '买买提',
  '热依拉',
  '孙强',
  '郑霞',
];
const ETHNICITIES = [
  '汉族',
  '汉族',
  '汉族',
  '汉族',
  '维吾尔族',
  '维吾尔族',
  '汉族',
  '汉族',
  '回族',
  '汉族',
  '维吾尔族',
  '维吾尔族',
  '汉族',
  '汉族',
  '维吾尔族',
  '维吾尔族',
  '汉族',
  '汉族',
];

/** The sample rows (text, in header order): 18 good rows and 2 bad ones. */
export function sampleRows(division: string): string[][] {
  const rows: string[][] = NAMES.map((name, i) => {
    const male = i % 2 === 0;
    const year = 1950 + ((i * 7) % 55);
    const month = String(1 + (i % 12)).padStart(2, '0');
    const day = String(1 + ((i * 3) % 28)).padStart(2, '0');
    // The 17th digit is odd for men, even for women (GB 11643).
    const sequence = `${String(10 + i).padStart(2, '0')}${male ? 1 : 2}`;
    const body = `${division}${year}${month}${day}${sequence}`;
    const id = body + citizenIdCheckChar(body);
    const registered = `${2015 + (i % 10)}-${month}-${day}`;
    return [id, name, male ? '男' : '女', `${year}-${month}-${day}`, ETHNICITIES[i]!, division, registered];
  });
  const good = rows[3]![0]!;
  const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  rows.push([wrong, '错号样例', '女', rows[3]![3]!, '汉族', division, '2024-05-06']); // key:checksum
  rows.push(['', '缺号样例', '男', '1980-01-01', '汉族', division, '2024-05-06']); // key:missing
  return rows;
}

/** The sample file's bytes: GB18030 CSV with CRLF line ends. */
export function sampleCsv(division: string): Buffer {
  const lines = [SAMPLE_HEADER.join(','), ...sampleRows(division).map((r) => r.join(','))];
  const text = `${lines.join('\r\n')}\r\n`;
  return iconv.encode(text, 'gb18030');
}
