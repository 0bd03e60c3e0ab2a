/**
 * Province-level divisions of GB/T 2260, keyed by the first two digits of a region code.
 *
 * Why only provinces: resident ID numbers keep the county code of the place and time they were
 * issued, and many of those codes have since been abolished (for example 340524, the old
 * Huoqiu county, or 371001, a former city-district code), so a table of today's county codes
 * would reject valid numbers. The province digits, by contrast, have been stable since 1997
 * (50 Chongqing the latest). A caller that owns a full historical table can pass a lookup to
 * validateResidentId for the county name.
 */
export const provinceNames: Readonly<Record<string, string>> = {
  '11': '北京市',
  '12': '天津市',
  '13': '河北省',
  '14': '山西省',
  '15': '内蒙古自治区',
  '21': '辽宁省',
  '22': '吉林省',
  '23': '黑龙江省',
  '31': '上海市',
  '32': '江苏省',
  '33': '浙江省',
  '34': '安徽省',
  '35': '福建省',
  '36': '江西省',
  '37': '山东省',
  '41': '河南省',
  '42': '湖北省',
  '43': '湖南省',
  '44': '广东省',
  '45': '广西壮族自治区',
  '46': '海南省',
  '50': '重庆市',
  '51': '四川省',
  '52': '贵州省',
  '53': '云南省',
  '54': '西藏自治区',
  '61': '陕西省',
  '62': '甘肃省',
  '63': '青海省',
  '64': '宁夏回族自治区',
  '65': '新疆维吾尔自治区',
  '71': '台湾省',
  '81': '香港特别行政区',
  '82': '澳门特别行政区',
};

/** The province name for a 6-digit (or longer) region code, or undefined when unknown. */
export function provinceOf(regionCode: string): string | undefined {
  return provinceNames[regionCode.slice(0, 2)];
}
