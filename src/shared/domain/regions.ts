/**
 * Region codes of GB/T 2260 as issued over time, at the level a resident ID number can be
 * checked against without a county table: the province (first two digits) and the prefecture
 * block within it (digits three and four), each with the years it was in use.
 *
 * Why not a table of today's county codes: a resident ID number keeps the county code of the
 * place and time it was issued, and many of those codes have since been abolished (340524, the
 * old Huoqiu county; 371001, a former city-district code; Hainan's 4600xx counties), so today's
 * codes would reject valid numbers. Why not a structural rule (prefectures 01-70 or 90): Hainan
 * province (1988) numbered its counties directly under the province 4600xx until they moved to
 * 4690xx in 2001-2002, and people keep the number they were issued, so "00" is a real prefecture
 * block in one province for one span of years and nowhere else.
 *
 * Blocks per province: cities (prefecture-level and, for the municipalities, 01 districts and
 * 02 counties), prefectures, leagues and autonomous prefectures (21 and up, most of them
 * re-formed into cities since 1983), and 90 for county-level units under the province. A block
 * without an end year is still issued today. A caller that owns a full historical county table
 * can pass a lookup to validateResidentId for the county name.
 */

/** One prefecture block (digits three and four) and the years codes in it were issued. */
export interface PrefectureBlock {
  from: number;
  to: number;
  /** First year of issue (the 1980 edition is the first GB/T 2260). */
  since: number;
  /** Last year of issue; undefined while still in use. */
  until?: number;
}

export interface ProvinceEntry {
  name: string;
  /** First year the province had its own codes (Hainan 1988, Chongqing 1997). */
  since: number;
  blocks: readonly PrefectureBlock[];
}

const FIRST_EDITION = 1980;

function blocks(spec: string, since = FIRST_EDITION): PrefectureBlock[] {
  return spec.split(' ').map((range) => {
    const [from, to] = range.split('-');
    return { from: Number(from), to: Number(to ?? from), since };
  });
}

export const provinces: Readonly<Record<string, ProvinceEntry>> = {
  '11': { name: '北京市', since: FIRST_EDITION, blocks: blocks('01-02') },
  '12': { name: '天津市', since: FIRST_EDITION, blocks: blocks('01-02') },
  '13': { name: '河北省', since: FIRST_EDITION, blocks: [...blocks('01-11 21-30'), { from: 90, to: 90, since: 1986 }] },
  '14': { name: '山西省', since: FIRST_EDITION, blocks: blocks('01-11 21-32') },
  '15': { name: '内蒙古自治区', since: FIRST_EDITION, blocks: blocks('01-09 21-29') },
  '21': { name: '辽宁省', since: FIRST_EDITION, blocks: blocks('01-14 21-24') },
  '22': { name: '吉林省', since: FIRST_EDITION, blocks: blocks('01-08 21-26') },
  '23': { name: '黑龙江省', since: FIRST_EDITION, blocks: blocks('01-12 21-27') },
  '31': { name: '上海市', since: FIRST_EDITION, blocks: blocks('01-02') },
  '32': { name: '江苏省', since: FIRST_EDITION, blocks: blocks('01-13 21-29') },
  '33': { name: '浙江省', since: FIRST_EDITION, blocks: blocks('01-11 21-27') },
  '34': { name: '安徽省', since: FIRST_EDITION, blocks: blocks('01-18 21-30') },
  '35': { name: '福建省', since: FIRST_EDITION, blocks: blocks('01-09 21-26') },
  '36': { name: '江西省', since: FIRST_EDITION, blocks: blocks('01-11 21-26') },
  '37': { name: '山东省', since: FIRST_EDITION, blocks: blocks('01-17 21-31') },
  '41': { name: '河南省', since: FIRST_EDITION, blocks: [...blocks('01-17 21-30'), { from: 90, to: 90, since: 1997 }] },
  '42': { name: '湖北省', since: FIRST_EDITION, blocks: blocks('01-13 21-30 90') },
  '43': { name: '湖南省', since: FIRST_EDITION, blocks: blocks('01-13 21-31') },
  '44': { name: '广东省', since: FIRST_EDITION, blocks: blocks('01-20 21-31 51-53 90') },
  '45': { name: '广西壮族自治区', since: FIRST_EDITION, blocks: blocks('01-14 21-31') },
  '46': {
    name: '海南省',
    since: 1988,
    blocks: [
      // Haikou and Sanya from 1988, Sansha 2012, Danzhou 2015.
      { from: 1, to: 2, since: 1988 },
      { from: 3, to: 3, since: 2012 },
      { from: 4, to: 4, since: 2015 },
      // Counties directly under the province: 4600xx until the 2001-2002 renumbering, then 4690xx.
      { from: 0, to: 0, since: 1988, until: 2002 },
      { from: 90, to: 90, since: 2001 },
    ],
  },
  '50': {
    name: '重庆市',
    since: 1997,
    // 03: the county-level cities under the municipality until 2006.
    blocks: [{ from: 1, to: 2, since: 1997 }, { from: 3, to: 3, since: 1997, until: 2006 }],
  },
  '51': { name: '四川省', since: FIRST_EDITION, blocks: blocks('01-20 21-37') },
  '52': { name: '贵州省', since: FIRST_EDITION, blocks: blocks('01-06 21-27') },
  '53': { name: '云南省', since: FIRST_EDITION, blocks: blocks('01-09 21-35') },
  '54': { name: '西藏自治区', since: FIRST_EDITION, blocks: blocks('01-06 21-27') },
  '61': { name: '陕西省', since: FIRST_EDITION, blocks: blocks('01-10 21-27') },
  '62': { name: '甘肃省', since: FIRST_EDITION, blocks: blocks('01-12 21-30') },
  '63': { name: '青海省', since: FIRST_EDITION, blocks: blocks('01-02 21-28') },
  '64': { name: '宁夏回族自治区', since: FIRST_EDITION, blocks: blocks('01-05 21-22') },
  '65': { name: '新疆维吾尔自治区', since: FIRST_EDITION, blocks: blocks('01-05 21-43 90') },
  // Taiwan, Hong Kong and Macau have one code each (xx0000).
  '71': { name: '台湾省', since: FIRST_EDITION, blocks: blocks('00') },
  '81': { name: '香港特别行政区', since: 1997, blocks: blocks('00', 1997) },
  '82': { name: '澳门特别行政区', since: 1999, blocks: blocks('00', 1999) },
};

/** Province names keyed by the first two digits of a region code. */
export const provinceNames: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(provinces).map(([code, entry]) => [code, entry.name]));

/** The province name for a 6-digit (or longer) region code, or undefined when unknown. */
export function provinceOf(regionCode: string): string | undefined {
  return provinces[regionCode.slice(0, 2)]?.name;
}

/**
 * Whether GB/T 2260 issued `regionCode`'s prefecture block in its province at some time in
 * [fromYear, toYear]: a number can only carry a code that was in use while it could be issued
 * to its holder (from their birth on). Taiwan, Hong Kong and Macau take only xx0000.
 */
export function isRegionCodeIssued(regionCode: string, fromYear: number, toYear: number): boolean {
  if (!/^\d{6}$/.test(regionCode)) return false;
  const province = provinces[regionCode.slice(0, 2)];
  if (!province) return false;
  const prefecture = Number(regionCode.slice(2, 4));
  const singleCode = province.blocks.length === 1 && province.blocks[0]?.from === 0 && province.blocks[0]?.to === 0;
  if (singleCode && regionCode.slice(4) !== '00') return false;
  return province.blocks.some(
    (block) => prefecture >= block.from && prefecture <= block.to && block.since <= toYear && (block.until === undefined || block.until >= fromYear),
  );
}
