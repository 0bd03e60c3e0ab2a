/**
 * Word lists the simulated population is drawn from. Region codes are real GB/T 2260 county
 * codes (so ID numbers validate); company names are invented.
 */
import type { ContactRelationship } from '../../shared/institution-api';

/** Common surnames with rough relative frequencies (the top of the national list). */
export const surnames: ReadonlyArray<readonly [string, number]> = [
  ['王', 72], ['李', 71], ['张', 68], ['刘', 53], ['陈', 45], ['杨', 31], ['黄', 24], ['赵', 20], ['吴', 20], ['周', 19],
  ['徐', 15], ['孙', 15], ['马', 14], ['朱', 14], ['胡', 13], ['郭', 12], ['何', 12], ['林', 11], ['高', 11], ['罗', 10],
  ['郑', 10], ['梁', 9], ['谢', 8], ['宋', 7], ['唐', 7], ['许', 7], ['韩', 7], ['冯', 7], ['邓', 7], ['曹', 6],
  ['彭', 6], ['曾', 6], ['肖', 6], ['田', 5], ['董', 5], ['袁', 5], ['潘', 5], ['于', 5], ['蒋', 5], ['蔡', 5],
  ['余', 5], ['杜', 4], ['叶', 4], ['程', 4], ['苏', 4], ['魏', 4], ['吕', 4], ['丁', 4], ['任', 4], ['沈', 4],
  ['姚', 3], ['卢', 3], ['姜', 3], ['崔', 3], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 3], ['范', 3], ['金', 3],
  ['石', 3], ['廖', 3], ['贾', 3], ['夏', 3], ['韦', 3], ['方', 3], ['白', 2], ['邹', 2], ['孟', 2], ['熊', 2],
  ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2], ['侯', 2], ['龙', 2],
  ['史', 2], ['陶', 2], ['黎', 2], ['贺', 2], ['顾', 2], ['毛', 2], ['郝', 2], ['龚', 2], ['邵', 2], ['万', 2],
  ['欧阳', 0.5], ['司马', 0.1], ['诸葛', 0.1], ['上官', 0.1],
];

export const maleGivenCharacters: readonly string[] = [
  '伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '明', '刚', '平', '辉', '鹏', '华', '飞', '鑫', '波', '宇', '浩',
  '凯', '健', '俊', '帆', '帅', '旭', '宁', '龙', '林', '阳', '建', '国', '峰', '亮', '成', '志', '海', '东', '文', '博',
  '晨', '子', '轩', '然', '泽', '睿', '家', '豪', '天', '一', '思', '远', '嘉', '振', '德', '永', '毅', '锋', '晖', '昊',
];

export const femaleGivenCharacters: readonly string[] = [
  '芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '秀', '玲', '燕', '婷', '雪', '慧', '红', '颖', '琳', '倩', '晶', '欣',
  '佳', '悦', '怡', '彤', '雨', '萱', '梦', '璐', '洁', '萍', '丹', '瑶', '琪', '妍', '诗', '涵', '玉', '兰', '月', '春',
  '晓', '蕾', '思', '嘉', '婉', '秋', '凤', '桂', '薇', '楠',
];

export const ethnicities: ReadonlyArray<readonly [string, number]> = [
  ['汉', 912], ['壮', 13], ['回', 8], ['满', 8], ['维吾尔', 8], ['苗', 7], ['彝', 7], ['土家', 7], ['藏', 5], ['蒙古', 5],
  ['侗', 2], ['布依', 2], ['瑶', 2], ['白', 1.5], ['朝鲜', 1.5],
];

export interface Region {
  code: string;
  province: string;
  city: string;
  district: string;
}

/** County-level region codes (GB/T 2260, current) with their names. */
export const regions: readonly Region[] = [
  { code: '110101', province: '北京市', city: '', district: '东城区' },
  { code: '110105', province: '北京市', city: '', district: '朝阳区' },
  { code: '110108', province: '北京市', city: '', district: '海淀区' },
  { code: '110106', province: '北京市', city: '', district: '丰台区' },
  { code: '120101', province: '天津市', city: '', district: '和平区' },
  { code: '120103', province: '天津市', city: '', district: '河西区' },
  { code: '130102', province: '河北省', city: '石家庄市', district: '长安区' },
  { code: '130104', province: '河北省', city: '石家庄市', district: '桥西区' },
  { code: '140105', province: '山西省', city: '太原市', district: '小店区' },
  { code: '150102', province: '内蒙古自治区', city: '呼和浩特市', district: '新城区' },
  { code: '210102', province: '辽宁省', city: '沈阳市', district: '和平区' },
  { code: '210202', province: '辽宁省', city: '大连市', district: '中山区' },
  { code: '220102', province: '吉林省', city: '长春市', district: '南关区' },
  { code: '230102', province: '黑龙江省', city: '哈尔滨市', district: '道里区' },
  { code: '310101', province: '上海市', city: '', district: '黄浦区' },
  { code: '310104', province: '上海市', city: '', district: '徐汇区' },
  { code: '310115', province: '上海市', city: '', district: '浦东新区' },
  { code: '310112', province: '上海市', city: '', district: '闵行区' },
  { code: '320102', province: '江苏省', city: '南京市', district: '玄武区' },
  { code: '320105', province: '江苏省', city: '南京市', district: '建邺区' },
  { code: '320506', province: '江苏省', city: '苏州市', district: '吴中区' },
  { code: '330102', province: '浙江省', city: '杭州市', district: '上城区' },
  { code: '330106', province: '浙江省', city: '杭州市', district: '西湖区' },
  { code: '330203', province: '浙江省', city: '宁波市', district: '海曙区' },
  { code: '340102', province: '安徽省', city: '合肥市', district: '瑶海区' },
  { code: '340104', province: '安徽省', city: '合肥市', district: '蜀山区' },
  { code: '350102', province: '福建省', city: '福州市', district: '鼓楼区' },
  { code: '350203', province: '福建省', city: '厦门市', district: '思明区' },
  { code: '360102', province: '江西省', city: '南昌市', district: '东湖区' },
  { code: '370102', province: '山东省', city: '济南市', district: '历下区' },
  { code: '370202', province: '山东省', city: '青岛市', district: '市南区' },
  { code: '410102', province: '河南省', city: '郑州市', district: '中原区' },
  { code: '410105', province: '河南省', city: '郑州市', district: '金水区' },
  { code: '420102', province: '湖北省', city: '武汉市', district: '江岸区' },
  { code: '420106', province: '湖北省', city: '武汉市', district: '武昌区' },
  { code: '430102', province: '湖南省', city: '长沙市', district: '芙蓉区' },
  { code: '430104', province: '湖南省', city: '长沙市', district: '岳麓区' },
  { code: '440103', province: '广东省', city: '广州市', district: '荔湾区' },
  { code: '440106', province: '广东省', city: '广州市', district: '天河区' },
  { code: '440303', province: '广东省', city: '深圳市', district: '罗湖区' },
  { code: '440304', province: '广东省', city: '深圳市', district: '福田区' },
  { code: '440305', province: '广东省', city: '深圳市', district: '南山区' },
  { code: '440604', province: '广东省', city: '佛山市', district: '禅城区' },
  { code: '441900', province: '广东省', city: '东莞市', district: '' },
  { code: '450103', province: '广西壮族自治区', city: '南宁市', district: '青秀区' },
  { code: '460106', province: '海南省', city: '海口市', district: '龙华区' },
  { code: '500103', province: '重庆市', city: '', district: '渝中区' },
  { code: '500106', province: '重庆市', city: '', district: '沙坪坝区' },
  { code: '510104', province: '四川省', city: '成都市', district: '锦江区' },
  { code: '510107', province: '四川省', city: '成都市', district: '武侯区' },
  { code: '520102', province: '贵州省', city: '贵阳市', district: '南明区' },
  { code: '530102', province: '云南省', city: '昆明市', district: '五华区' },
  { code: '540102', province: '西藏自治区', city: '拉萨市', district: '城关区' },
  { code: '610102', province: '陕西省', city: '西安市', district: '新城区' },
  { code: '610113', province: '陕西省', city: '西安市', district: '雁塔区' },
  { code: '620102', province: '甘肃省', city: '兰州市', district: '城关区' },
  { code: '630103', province: '青海省', city: '西宁市', district: '城中区' },
  { code: '640104', province: '宁夏回族自治区', city: '银川市', district: '兴庆区' },
  { code: '650102', province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区' },
];

export const streetNames: readonly string[] = [
  '人民路', '解放路', '中山路', '建设路', '和平路', '新华路', '胜利路', '文化路', '青年路', '朝阳路',
  '长江路', '黄河路', '光明路', '团结路', '幸福路', '迎宾大道', '滨江路', '科技路', '学府路', '东风路',
];

export const neighbourhoodWords: readonly string[] = ['花园', '小区', '新村', '公寓', '家园', '苑', '名都', '华庭'];

/** Mobile prefixes of the population (disjoint from `outsidePrefixes`, so contacts outside the population never collide). */
export const populationPrefixes: readonly string[] = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157',
  '158', '159', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189',
];
export const outsidePrefixes: readonly string[] = ['166', '170', '171', '173', '175', '176', '177', '178', '191', '195', '196', '197', '198', '199'];

export const banks: ReadonlyArray<{ name: string; bin: string; length: number }> = [
  { name: '中国工商银行', bin: '622202', length: 19 },
  { name: '中国建设银行', bin: '621700', length: 19 },
  { name: '中国农业银行', bin: '622848', length: 19 },
  { name: '中国银行', bin: '621661', length: 19 },
  { name: '招商银行', bin: '622588', length: 16 },
  { name: '交通银行', bin: '622262', length: 19 },
  { name: '中国邮政储蓄银行', bin: '621799', length: 19 },
  { name: '浦发银行', bin: '622521', length: 16 },
  { name: '中信银行', bin: '622690', length: 16 },
  { name: '兴业银行', bin: '622909', length: 18 },
  { name: '平安银行', bin: '622155', length: 16 },
];

export const employerWords: readonly string[] = ['宏达', '恒信', '新纪元', '华兴', '博远', '天成', '瑞丰', '鼎盛', '金桥', '安泰', '锦程', '明德'];
export const industries: readonly string[] = ['科技', '贸易', '物流', '餐饮管理', '建筑工程', '电子', '服装', '汽车服务', '教育咨询', '医药'];
export const occupations: readonly string[] = ['职员', '销售', '司机', '技术员', '教师', '护士', '厨师', '个体经营', '工程师', '客服', '店长', '快递员'];

/** Remarks a borrower plausibly saves for a contact of each relationship. */
export const consistentRemarks: Readonly<Record<Exclude<ContactRelationship, 'other'>, readonly string[]>> = {
  mother: ['妈', '老妈', '妈妈', '母亲', '亲妈'],
  father: ['爸', '老爸', '爸爸', '父亲'],
  spouse: ['老公', '老婆', '亲爱的', '媳妇', '爱人'],
  child: ['儿子', '女儿', '闺女'],
  sibling: ['哥', '姐', '弟弟', '妹妹', '大哥', '二姐'],
  relative: ['舅舅', '姑姑', '表哥', '小姨', '叔叔'],
  friend: ['老同学', '好友', '兄弟', '闺蜜'],
  colleague: ['同事', '经理', '主管', '组长'],
};

/** Remarks naming a work or friend relationship, which contradict a family relationship (a risk team's flag). */
export const contradictingRemarks: readonly string[] = ['张总', '王经理', '同事小李', '刘老板', '老同学', '李老师'];
