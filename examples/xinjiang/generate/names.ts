/** Personal-name generation: Han-style names and Uyghur/Kazakh/Mongol names transliterated in Chinese. */
import type { NameStyle } from './ethnicity.ts';
import { type Rng, weightedPicker } from './random.ts';

const HAN_SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const pickSurname = weightedPicker(
  [...HAN_SURNAMES],
  [...HAN_SURNAMES].map((_, i) => 1 / (i + 8)),
);
const HAN_MALE = '伟强磊军勇杰涛斌明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国新疆峰志文博';
const HAN_FEMALE = '芳娜敏静丽艳娟霞秀英华玲萍红燕梅琳雪倩婷颖莉琴云洁慧晶欣悦怡佳蕾月兰丹';
const HAN_SHARED = '晓海春冬佳子梓一思嘉雨天';

const UYGHUR_MALE = [
  '艾合买提',
  '买买提',
  '阿不都拉',
  '艾力',
  '艾尔肯',
  '阿迪力',
  '阿不都热依木',
  '艾克拜尔',
  '吐尔逊',
  '努尔买买提',
  '热合曼',
  '如则',
  '肉孜',
  '塔依尔',
  '吾斯曼',
  '伊力哈木',
  '亚森',
  '玉素甫',
  '买合木提',
  '麦麦提敏',
  '牙生',
  '依明',
  '吐尔洪',
  '阿里木',
  '帕尔哈提',
  '库尔班',
  '卡德尔',
  '卡米力',
  '艾山',
  '赛买提',
  '沙吾提',
  '苏来曼',
  '托合提',
  '外力',
  '乌斯满',
  '祖农',
  '迪力夏提',
  '阿布来提',
  '艾则孜',
  '木拉提',
];
const UYGHUR_FEMALE = [
  '古丽米拉',
  '阿依古丽',
  '古丽娜尔',
  '热依拉',
  '帕提古丽',
  '米热古丽',
  '阿依努尔',
  '迪丽努尔',
  '努尔古丽',
  '再努尔',
  '海丽且木',
  '阿米娜',
  '阿孜古丽',
  '布阿依夏木',
  '祖丽胡玛尔',
  '玛依拉',
  '古再丽努尔',
  '热孜万古丽',
  '萨拉买提',
  '图尔荪古丽',
  '排尔达',
  '帕提曼',
  '茹仙古丽',
  '苏比努尔',
  '阿娜尔古丽',
  '加米拉',
  '凯丽比努尔',
  '麦尔哈巴',
  '努尔尼沙',
  '热娜',
  '沙拉',
  '塔吉古丽',
  '吾尔妮萨',
  '祖合热',
  '阿依夏木',
  '哈丽旦',
  '米娜瓦尔',
  '热比古丽',
  '则热',
  '古丽扎尔',
];
const KAZAKH_MALE = [
  '努尔兰',
  '叶尔兰',
  '别克',
  '达吾列提',
  '哈那提',
  '加恩斯',
  '叶尔江',
  '阿斯哈尔',
  '巴合提',
  '赛力克',
  '叶尔波力',
  '努尔太',
  '吐尔逊别克',
  '阿依丁',
  '哈森',
  '胡安',
  '木拉提',
  '达尼亚尔',
  '阿尔曼',
  '马迪',
  '热合木江',
  '托列吾汗',
  '叶尔肯',
  '加尔肯',
  '别克波拉提',
  '吾拉孜别克',
  '阿曼太',
  '努尔波拉提',
  '达吾提',
  '哈依拉提',
  '江别克',
  '库尔曼',
  '赛力克波力',
  '阿合买提',
  '叶森',
  '波拉提',
  '哈力木',
  '加依达尔',
  '巴特尔别克',
  '叶尔肯别克',
];
const KAZAKH_FEMALE = [
  '阿依古丽',
  '古丽巴哈尔',
  '努尔古丽',
  '阿依努尔',
  '阿娜尔',
  '古丽娜孜',
  '沙吾列',
  '加娜尔',
  '玛依拉',
  '阿依达娜',
  '阿克边',
  '巴合古丽',
  '哈丽恰',
  '胡尔曼',
  '加米拉',
  '卡拉古丽',
  '库拉依',
  '玛丽亚',
  '萨吾列',
  '阿丽米拉',
  '阿勒腾古丽',
  '阿依江',
  '巴丽江',
  '古丽扎达',
  '哈米拉',
  '加依娜尔',
  '卡丽玛',
  '拉扎',
  '玛迪娜',
  '萨尔丹',
  '沙尔达娜',
  '托合塔',
  '阿克古丽',
  '阿依萨',
  '波塔',
  '加孜拉',
  '玛尔江',
  '叶尔肯古丽',
  '古丽夏提',
  '热依汗',
];
const MONGOL_MALE = [
  '巴图',
  '巴特尔',
  '孟克',
  '朝鲁',
  '额尔敦',
  '苏和',
  '那顺',
  '宝音',
  '达来',
  '毕力格',
  '吉日格勒',
  '乌力吉',
];
const MONGOL_FEMALE = [
  '其其格',
  '乌兰',
  '萨仁',
  '娜仁',
  '图雅',
  '高娃',
  '斯琴',
  '塔娜',
  '乌云',
  '琪琪格',
  '阿拉坦',
  '托娅',
];

/** Sex per GB/T 2261.1: 1 male, 2 female. */
export type Sex = 1 | 2;

/** The given-name part of a name (what children inherit as their father's name in Turkic styles). */
export function givenName(rng: Rng, style: NameStyle, sex: Sex): string {
  switch (style) {
    case 'uyghur':
      return rng.pick(sex === 1 ? UYGHUR_MALE : UYGHUR_FEMALE);
    case 'kazakh':
      return rng.pick(sex === 1 ? KAZAKH_MALE : KAZAKH_FEMALE);
    case 'mongol':
      return rng.pick(sex === 1 ? MONGOL_MALE : MONGOL_FEMALE);
    case 'han': {
      const pool = sex === 1 ? HAN_MALE : HAN_FEMALE;
      const first = rng.chance(0.3) ? rng.pick([...HAN_SHARED]) : rng.pick([...pool]);
      return rng.chance(0.35) ? first : first + rng.pick([...pool]);
    }
  }
}

/** A male given name of the style, used as a father's name. */
export function fatherName(rng: Rng, style: NameStyle): string {
  return givenName(rng, style, 1);
}

/** A Han surname (weighted towards the most common ones). */
export function hanSurname(rng: Rng): string {
  return pickSurname(rng);
}

/**
 * A full name. Han: surname + given name. Uyghur/Kazakh: given name `·` father's given name.
 * Mongol: a single given name. `family` is the surname (Han) or the father's given name (Turkic).
 */
export function fullName(style: NameStyle, given: string, family: string): string {
  if (style === 'han') return family + given;
  if (style === 'mongol') return given;
  return `${given}·${family}`;
}

/** A different name of the same style, for the duplicate-with-different-name defect. */
export function alternativeName(rng: Rng, name: string): string {
  const dot = name.indexOf('·');
  if (dot >= 0) {
    const pool = UYGHUR_MALE.includes(name.slice(0, dot)) || KAZAKH_MALE.includes(name.slice(0, dot));
    let given = name.slice(0, dot);
    while (given === name.slice(0, dot)) given = rng.pick(pool ? UYGHUR_MALE : UYGHUR_FEMALE);
    return `${given}${name.slice(dot)}`;
  }
  let other = name;
  while (other === name) other = name.slice(0, 1) + rng.pick([...HAN_MALE, ...HAN_FEMALE]);
  return other;
}
