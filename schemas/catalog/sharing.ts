/** 共享与开放 (公共数据管理办法 第十九条, 第二十二条, 第二十六条): share type, open type and share mode. */
import { z } from 'zod';
import type { Labels } from '../labels.ts';

/** 共享类型 (第十九条): 无条件共享 / 有条件共享 / 不予共享. */
export const ShareType = z
  .enum(['unconditional', 'conditional', 'none'])
  .meta({ description: '共享类型: unconditional 无条件共享, conditional 有条件共享, none 不予共享' });
/** A share type. */
export type ShareType = z.output<typeof ShareType>;
/** Labels of the share types. */
export const SHARE_TYPE_LABELS: Labels<ShareType> = Object.freeze({
  unconditional: { zh: '无条件共享', en: 'shared unconditionally' },
  conditional: { zh: '有条件共享', en: 'shared on conditions' },
  none: { zh: '不予共享', en: 'not shared' },
});

/** 开放类型 (第二十六条): 无条件开放 / 有条件开放 / 非开放. */
export const OpenType = z
  .enum(['unconditional', 'conditional', 'none'])
  .meta({ description: '开放类型: unconditional 无条件开放, conditional 有条件开放, none 非开放' });
/** An open type. */
export type OpenType = z.output<typeof OpenType>;
/** Labels of the open types. */
export const OPEN_TYPE_LABELS: Labels<OpenType> = Object.freeze({
  unconditional: { zh: '无条件开放', en: 'open unconditionally' },
  conditional: { zh: '有条件开放', en: 'open on conditions' },
  none: { zh: '非开放', en: 'not open' },
});

/** 共享方式 (第二十二条): 实时数据库表 / 服务接口 / 文件 / 线下. */
export const ShareMode = z.enum(['table', 'api', 'file', 'offline']).meta({
  description: '共享方式: table 实时数据库表, api 服务接口, file 文件(夹), offline 线下 (needs 报备)',
});
/** A share mode. */
export type ShareMode = z.output<typeof ShareMode>;
/** Labels of the share modes. */
export const SHARE_MODE_LABELS: Labels<ShareMode> = Object.freeze({
  table: { zh: '实时数据库表', en: 'database table' },
  api: { zh: '服务接口', en: 'service API' },
  file: { zh: '文件', en: 'file' },
  offline: { zh: '线下', en: 'offline' },
});
