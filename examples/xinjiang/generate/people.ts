/** The synthetic population: households with a head and relatives, citizen IDs, names, marriages and deaths. */
import { addYears, compact, toDay } from './dates.ts';
import { DIVISIONS, type Division } from './divisions.ts';
import { type EthnicityCode, NAME_STYLE } from './ethnicity.ts';
import { citizenId } from './identifiers.ts';
import { fatherName, fullName, givenName, hanSurname, type Sex } from './names.ts';
import { Rng, weightedPicker } from './random.ts';

/** 与户主关系 labels (GB/T 4761 wording). */
export type Relation = '户主' | '配偶' | '子' | '女' | '父亲' | '母亲';

/** GB/T 2261.2 marital status codes used here: 10 未婚, 20 已婚, 30 丧偶, 40 离婚. */
export type MaritalCode = '10' | '20' | '30' | '40';

/** Chinese labels of the marital status codes. */
export const MARITAL_LABELS: Readonly<Record<MaritalCode, string>> = {
  '10': '未婚',
  '20': '已婚',
  '30': '丧偶',
  '40': '离婚',
};

/**
 * A flat copy of a string built by concatenation: V8 keeps such strings as trees of their parts (a citizen ID of
 * four parts takes about four times its flat size), and a 1M-person population holds four of them per person
 * (466 → 347 MB of heap).
 */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** One synthetic resident (or, for ex-spouses and the deceased, a non-resident person). */
export interface Person {
  readonly id: string;
  readonly name: string;
  /** The given-name part (what a Turkic-style child carries as father's name). */
  readonly given: string;
  readonly sex: Sex;
  readonly birthDay: number;
  readonly ethnicity: EthnicityCode;
  readonly division: Division;
  readonly relation: Relation;
  readonly marital: MaritalCode;
  readonly mobile: string;
  readonly household: Household | undefined;
}

/** A registered household (户). */
export interface Household {
  /** 户号: county code + 6-digit serial. */
  readonly number: string;
  readonly division: Division;
  readonly address: string;
  readonly members: Person[];
}

/** A marriage or divorce registration. */
export interface MarriageEvent {
  readonly kind: '结婚' | '离婚';
  readonly husband: Person;
  readonly wife: Person;
  readonly day: number;
  readonly division: Division;
}

/** A death with its date (the person is not in the resident population). */
export interface Death {
  readonly person: Person;
  readonly day: number;
  readonly address: string;
}

/** Everything the extracts are built from. */
export interface Population {
  readonly households: Household[];
  readonly people: Person[];
  readonly marriages: MarriageEvent[];
  readonly deaths: Death[];
}

const STREETS = [
  '人民路',
  '解放路',
  '团结路',
  '新华路',
  '和平路',
  '友好路',
  '光明路',
  '建设路',
  '北京路',
  '长江路',
  '黄河路',
  '天山路',
  '幸福路',
  '迎宾路',
  '胜利路',
  '文化路',
  '青年路',
  '红旗路',
  '东风路',
  '南湖路',
];
const SUBDISTRICTS = [
  '东门',
  '西城',
  '南关',
  '北园',
  '新华',
  '友谊',
  '团结',
  '和平',
  '光明',
  '前进',
  '红山',
  '幸福',
];
const TOWNS = [
  '阿克',
  '托万',
  '英阿瓦提',
  '巴格',
  '塔什',
  '库木',
  '喀拉',
  '阿热',
  '恰尔巴格',
  '吐格曼',
  '兰干',
  '乔勒潘',
];
const VILLAGES = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

const pickDivision = weightedPicker(
  DIVISIONS,
  DIVISIONS.map((v) => v.weight),
);
const HEAD_AGE_BANDS = [20, 30, 40, 50, 60, 70, 80, 90] as const;
const HEAD_AGE_WEIGHTS = [14, 22, 20, 17, 12, 6, 2.5, 0.5] as const;

/** A household address in the division (urban: 街道 + 路 + 号; rural: 乡 + 村 + 号). */
export function addressIn(rng: Rng, division: Division): string {
  const prefix = `新疆维吾尔自治区${division.prefecture.name}${division.name}`;
  if (division.urban || rng.chance(0.2)) {
    return `${prefix}${rng.pick(SUBDISTRICTS)}街道${rng.pick(STREETS)}${rng.int(1, 399)}号`;
  }
  return `${prefix}${rng.pick(TOWNS)}乡${rng.pick(VILLAGES)}村${rng.int(1, 180)}号`;
}

/** Allocates unique sequence codes per (address code, birth date): odd for men, even for women, ≤ 995. */
class SequenceAllocator {
  private readonly next = new Map<string, number>();
  constructor(private readonly rng: Rng) {}

  allocate(code: string, birth: string, sex: Sex): number {
    const key = `${code}${birth}${sex}`;
    const k = this.next.get(key) ?? this.rng.int(0, 150);
    this.next.set(key, k + 1);
    const sequence = 2 * k + sex;
    if (sequence > 995) throw new RangeError(`sequence codes exhausted for ${code} ${birth}`);
    return sequence;
  }
}

interface Draft {
  given: string;
  family: string;
  sex: Sex;
  age: number;
  ethnicity: EthnicityCode;
  relation: Relation;
  marital: MaritalCode;
}

/** Generates a population of about `size` residents (households are kept whole, so a few more). */
export function generatePopulation(
  size: number,
  seed: number,
  asOfDay: number,
  onProgress?: (people: number) => void,
): Population {
  const rng = new Rng(seed, 'people');
  const sequences = new SequenceAllocator(new Rng(seed, 'sequences'));
  const serials = new Map<string, number>();
  const households: Household[] = [];
  const people: Person[] = [];
  const marriages: MarriageEvent[] = [];
  const minMarriageDay = toDay(1990, 1, 1);

  const birthDayFor = (age: number): number => {
    const latest = addYears(asOfDay, -age);
    const earliest = addYears(asOfDay, -(age + 1)) + 1;
    return rng.int(earliest, latest);
  };
  const makePerson = (draft: Draft, division: Division, household: Household | undefined): Person => {
    const birthDay = birthDayFor(draft.age);
    const birth = compact(birthDay);
    const style = NAME_STYLE[draft.ethnicity];
    return {
      id: flat(citizenId(division.code, birth, sequences.allocate(division.code, birth, draft.sex))),
      name: flat(fullName(style, draft.given, draft.family)),
      given: draft.given,
      sex: draft.sex,
      birthDay,
      ethnicity: draft.ethnicity,
      division,
      relation: draft.relation,
      marital: draft.marital,
      mobile: draft.age >= 14 ? flat(`1${rng.pick(['3', '5', '7', '8', '9'])}${rng.digits(9)}`) : '',
      household,
    };
  };
  let reported = 0;
  while (people.length < size) {
    if (onProgress && people.length - reported >= 5000) {
      reported = people.length;
      onProgress(reported);
    }
    const division = pickDivision(rng);
    const mixCodes = Object.keys(division.mix) as EthnicityCode[];
    const ethnicity = mixCodes[rng.weightedIndex(mixCodes.map((c) => division.mix[c]!))]!;
    const style = NAME_STYLE[ethnicity];
    const serial = (serials.get(division.code) ?? 0) + 1;
    serials.set(division.code, serial);
    const household: Household = {
      number: flat(`${division.code}${String(serial).padStart(6, '0')}`),
      division,
      address: flat(addressIn(rng, division)),
      members: [],
    };
    const band = HEAD_AGE_BANDS[rng.weightedIndex(HEAD_AGE_WEIGHTS)]!;
    const headAge = Math.max(18, Math.min(100, band + rng.int(0, 9) - (band === 20 ? rng.int(0, 2) : 0)));
    const type = rng.weightedIndex([12, 10, 55, 13, 10]); // single, couple, couple+kids, +parents, single parent
    const couple = (type === 1 || type === 2 || type === 3) && headAge >= 22;
    const headSex: Sex = couple ? (rng.chance(0.85) ? 1 : 2) : rng.chance(0.5) ? 1 : 2;
    const surname = hanSurname(rng);
    const headFather = fatherName(rng, style);
    const drafts: Draft[] = [];
    let headMarital: MaritalCode = '10';
    if (couple) headMarital = '20';
    else if (type === 4 && headAge >= 25) headMarital = rng.chance(0.6) ? '40' : '30';
    else if (headAge >= 22) {
      const r = rng.next();
      if (headAge < 35) headMarital = r < 0.8 ? '10' : '40';
      else if (headAge < 60) headMarital = r < 0.3 ? '10' : r < 0.8 ? '40' : '30';
      else headMarital = r < 0.15 ? '10' : r < 0.3 ? '40' : '30';
    }
    const head: Draft = {
      given: givenName(rng, style, headSex),
      family: style === 'han' ? surname : headFather,
      sex: headSex,
      age: headAge,
      ethnicity,
      relation: '户主',
      marital: headMarital,
    };
    drafts.push(head);
    let husband: Draft | undefined = headSex === 1 ? head : undefined;
    let wife: Draft | undefined = headSex === 2 ? head : undefined;
    if (couple) {
      const spouseSex: Sex = headSex === 1 ? 2 : 1;
      const spouseAge = Math.min(
        100,
        Math.max(spouseSex === 2 ? 21 : 23, headAge + (headSex === 1 ? -1 : 1) * rng.int(-2, 6)),
      );
      const spouseEthnicity = rng.chance(0.95) ? ethnicity : mixCodes[rng.int(0, mixCodes.length - 1)]!;
      const spouseStyle = NAME_STYLE[spouseEthnicity];
      const spouse: Draft = {
        given: givenName(rng, spouseStyle, spouseSex),
        family: spouseStyle === 'han' ? hanSurname(rng) : fatherName(rng, spouseStyle),
        sex: spouseSex,
        age: spouseAge,
        ethnicity: spouseEthnicity,
        relation: '配偶',
        marital: '20',
      };
      drafts.push(spouse);
      if (spouseSex === 1) husband = spouse;
      else wife = spouse;
    }
    const parentAge = type === 4 || !couple ? headAge : (wife?.age ?? headAge);
    if ((type === 2 || type === 3 || type === 4) && parentAge >= 20) {
      const traditional = style !== 'han' && !division.urban;
      const count = traditional ? rng.int(1, 5) : rng.int(1, division.urban ? 2 : 3);
      const sameStyle = husband !== undefined && NAME_STYLE[husband.ethnicity] === style;
      const fatherGiven = sameStyle ? husband!.given : fatherName(rng, style);
      const kidSurname = sameStyle ? husband!.family : surname;
      for (let i = 0; i < count; i++) {
        const age = parentAge - rng.int(20, 40);
        if (age < 0 || age > 28) continue;
        const sex: Sex = rng.chance(0.515) ? 1 : 2;
        drafts.push({
          given: givenName(rng, style, sex),
          family: style === 'han' ? kidSurname : fatherGiven,
          sex,
          age,
          ethnicity,
          relation: sex === 1 ? '子' : '女',
          marital: '10',
        });
      }
    }
    if (type === 3) {
      const both = rng.chance(0.5);
      const fatherAge = headAge + rng.int(22, 35);
      const motherAge = headAge + rng.int(20, 32);
      if (fatherAge <= 100 && (both || rng.chance(0.4))) {
        drafts.push({
          given: style === 'han' ? givenName(rng, style, 1) : headFather,
          family: style === 'han' ? surname : fatherName(rng, style),
          sex: 1,
          age: fatherAge,
          ethnicity,
          relation: '父亲',
          marital: both ? '20' : '30',
        });
      }
      if (motherAge <= 100 && (both || drafts.at(-1)?.relation !== '父亲')) {
        const motherStyle = style;
        drafts.push({
          given: givenName(rng, motherStyle, 2),
          family: motherStyle === 'han' ? hanSurname(rng) : fatherName(rng, motherStyle),
          sex: 2,
          age: motherAge,
          ethnicity,
          relation: '母亲',
          marital: both && drafts.at(-1)?.relation === '父亲' ? '20' : '30',
        });
      }
    }
    let husbandPerson: Person | undefined;
    let wifePerson: Person | undefined;
    for (const draft of drafts) {
      const person = makePerson(draft, division, household);
      household.members.push(person);
      people.push(person);
      if (draft === husband && couple) husbandPerson = person;
      if (draft === wife && couple) wifePerson = person;
    }
    if (husbandPerson && wifePerson) {
      const legal = Math.max(addYears(husbandPerson.birthDay, 22), addYears(wifePerson.birthDay, 20));
      const eldest = household.members
        .filter((m) => m.relation === '子' || m.relation === '女')
        .reduce((min, m) => Math.min(min, m.birthDay), Number.POSITIVE_INFINITY);
      let day = Number.isFinite(eldest) ? eldest - rng.int(200, 1100) : legal + rng.int(0, 3650);
      day = Math.min(Math.max(day, legal + rng.int(0, 60)), asOfDay - rng.int(1, 30));
      if (day >= minMarriageDay && day >= legal) {
        marriages.push({ kind: '结婚', husband: husbandPerson, wife: wifePerson, day, division });
      }
    }
    const headPerson = household.members[0]!;
    if (headPerson.marital === '40') {
      const exSex: Sex = headPerson.sex === 1 ? 2 : 1;
      const exAge = Math.min(100, Math.max(22, headAge + rng.int(-4, 4)));
      const exStyle = NAME_STYLE[ethnicity];
      const ex = makePerson(
        {
          given: givenName(rng, exStyle, exSex),
          family: exStyle === 'han' ? hanSurname(rng) : fatherName(rng, exStyle),
          sex: exSex,
          age: exAge,
          ethnicity,
          relation: '户主',
          marital: '40',
        },
        division,
        undefined,
      );
      const [man, woman] = headPerson.sex === 1 ? [headPerson, ex] : [ex, headPerson];
      const legal = Math.max(addYears(man.birthDay, 22), addYears(woman.birthDay, 20));
      const day = rng.int(Math.max(legal + 730, minMarriageDay), asOfDay - 1);
      if (day < asOfDay && legal + 730 < asOfDay) {
        marriages.push({ kind: '离婚', husband: man, wife: woman, day, division });
      }
    }
    households.push(household);
  }

  const deaths: Death[] = [];
  const deathCount = Math.max(2, Math.round(size * 0.015));
  for (let i = 0; i < deathCount; i++) {
    const division = pickDivision(rng);
    const mixCodes = Object.keys(division.mix) as EthnicityCode[];
    const ethnicity = mixCodes[rng.weightedIndex(mixCodes.map((c) => division.mix[c]!))]!;
    const style = NAME_STYLE[ethnicity];
    const sex: Sex = rng.chance(0.55) ? 1 : 2;
    const person = makePerson(
      {
        given: givenName(rng, style, sex),
        family: style === 'han' ? hanSurname(rng) : fatherName(rng, style),
        sex,
        age: Math.min(100, 45 + Math.floor(rng.next() * rng.next() * 56)),
        ethnicity,
        relation: '户主',
        marital: '30',
      },
      division,
      undefined,
    );
    deaths.push({
      person,
      day: rng.int(addYears(asOfDay, -3) + 1, asOfDay),
      address: addressIn(rng, division),
    });
  }
  return { households, people, marriages, deaths };
}
