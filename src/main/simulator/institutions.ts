/**
 * Simulated institutions and their products. Everything an institution does differently (which
 * items a product asks for, line mode, rates and fees, grace days, whether plans are synced) is
 * configuration here, so one generator serves all of them.
 */
import type { RepaymentMethod } from '../../shared/domain/schedule';
import type { AuthItemName, Capabilities, FaceVendor, LineMode, ResourceName } from '../../shared/institution-api';
import { defaultPageLimit, maxPageLimit, resourceNames } from '../../shared/institution-api';
import { Rng } from './rng';

/** A fee structure a product may charge; percentages of the principal. */
export interface FeeProfile {
  weight: number;
  /** Deducted from the principal at disbursement (0.05 = 5%). */
  upfrontRate?: number;
  /** Added to every installment, as a share of the principal (0.01 = 1% a month). */
  perInstallmentRate?: number;
}

export interface ProductConfig {
  code: string;
  name: string;
  lineMode: LineMode;
  /** single_batch only: a smaller amount than the limit may be drawn. */
  partialDrawAllowed: boolean;
  /** Collection order of the authentication items. */
  requiredItems: AuthItemName[];
  /** Requested amount range in fen. */
  amountFen: readonly [number, number];
  termMonths: readonly number[];
  methods: ReadonlyArray<readonly [RepaymentMethod, number]>;
  /** Monthly rates as decimal strings with 4 places. */
  monthlyRates: readonly string[];
  fees: readonly FeeProfile[];
  faceVendor: FaceVendor;
  faceModelVersion: string;
}

export interface InstitutionSimConfig {
  /** Short lower-case code, used in the URL: /inst/<code>/v1/... */
  code: string;
  name: string;
  appId: string;
  /** Test secret (the simulator prints it at start). */
  secret: string;
  /** false: orders are served but not per-installment repayment plans. */
  repaymentPlans: boolean;
  graceDays: number;
  /** Share of the population that applies here (0-1]. */
  borrowerShare: number;
  products: ProductConfig[];
}

// The card is read first (OCR fills in name and number), then checked against the public-security source.
const baseItems: AuthItemName[] = ['id_card_ocr', 'real_name', 'liveness', 'face_compare', 'personal_info', 'contacts', 'carrier'];

/** Three demo institutions: different products, authentication demands, grace days; one without plans. */
export function demoInstitutions(seed: string | number): InstitutionSimConfig[] {
  return simulatedInstitutions(seed, 3);
}

/** `count` institutions: the three demo ones first, then generated variations of them. */
export function simulatedInstitutions(seed: string | number, count: number): InstitutionSimConfig[] {
  const templates: Array<Omit<InstitutionSimConfig, 'appId' | 'secret'>> = [
    {
      code: 'qinghe',
      name: '青禾消费金融（模拟）',
      repaymentPlans: true,
      graceDays: 3,
      borrowerShare: 0.6,
      products: [
        {
          code: 'QH-REVOLVE',
          name: '青禾循环贷',
          lineMode: 'revolving',
          partialDrawAllowed: true,
          requiredItems: baseItems,
          amountFen: [300_000, 5_000_000],
          termMonths: [3, 6, 12],
          methods: [['equal_installment', 60], ['equal_principal', 25], ['interest_first', 15]],
          monthlyRates: ['0.0080', '0.0100', '0.0125', '0.0150'],
          fees: [{ weight: 55 }, { weight: 25, upfrontRate: 0.03 }, { weight: 15, perInstallmentRate: 0.006 }, { weight: 5, upfrontRate: 0.05, perInstallmentRate: 0.012 }],
          faceVendor: 'faceplusplus',
          faceModelVersion: 'compare-3.0',
        },
        {
          code: 'QH-QUICK',
          name: '青禾闪借',
          lineMode: 'single_batch',
          partialDrawAllowed: true,
          requiredItems: baseItems,
          amountFen: [100_000, 1_000_000],
          termMonths: [3, 6],
          methods: [['equal_installment', 50], ['flat', 50]],
          monthlyRates: ['0.0100', '0.0150'],
          fees: [{ weight: 50 }, { weight: 30, upfrontRate: 0.06 }, { weight: 20, perInstallmentRate: 0.01 }],
          faceVendor: 'tencent_compareface',
          faceModelVersion: '3.0',
        },
      ],
    },
    {
      code: 'yuanshan',
      name: '远山小额贷款（模拟）',
      repaymentPlans: false,
      graceDays: 0,
      borrowerShare: 0.45,
      products: [
        {
          code: 'YS-CARD',
          name: '远山卡贷',
          lineMode: 'single_batch',
          partialDrawAllowed: false,
          requiredItems: [...baseItems, 'credit_card_four_elements'],
          amountFen: [200_000, 3_000_000],
          termMonths: [6, 12, 24],
          methods: [['equal_installment', 40], ['equal_principal', 20], ['flat', 40]],
          monthlyRates: ['0.0090', '0.0120', '0.0160'],
          fees: [{ weight: 40 }, { weight: 30, upfrontRate: 0.08 }, { weight: 30, upfrontRate: 0.04, perInstallmentRate: 0.01 }],
          faceVendor: 'tencent_faceid',
          faceModelVersion: 'faceid-5.1',
        },
      ],
    },
    {
      code: 'beichen',
      name: '北辰消费金融（模拟）',
      repaymentPlans: true,
      graceDays: 1,
      borrowerShare: 0.4,
      products: [
        {
          code: 'BC-PLUS',
          name: '北辰优享',
          lineMode: 'revolving',
          partialDrawAllowed: true,
          requiredItems: [...baseItems, 'online_banking', 'ecommerce'],
          amountFen: [500_000, 8_000_000],
          termMonths: [6, 12, 24],
          methods: [['equal_installment', 50], ['equal_principal', 30], ['interest_first', 20]],
          monthlyRates: ['0.0060', '0.0080', '0.0100', '0.0125'],
          fees: [{ weight: 70 }, { weight: 20, perInstallmentRate: 0.005 }, { weight: 10, upfrontRate: 0.02 }],
          faceVendor: 'aliyun',
          faceModelVersion: 'CompareFace-2019-12-30',
        },
        {
          code: 'BC-EASY',
          name: '北辰易贷',
          lineMode: 'single_batch',
          partialDrawAllowed: true,
          requiredItems: [...baseItems, 'ecommerce'],
          amountFen: [100_000, 2_000_000],
          termMonths: [3, 6, 9, 12],
          methods: [['equal_installment', 30], ['interest_first', 30], ['flat', 40]],
          monthlyRates: ['0.0120', '0.0180', '0.0200'],
          fees: [{ weight: 40 }, { weight: 30, perInstallmentRate: 0.015 }, { weight: 30, upfrontRate: 0.1 }],
          faceVendor: 'tencent_compareface',
          faceModelVersion: '2.0',
        },
      ],
    },
  ];
  const configs: InstitutionSimConfig[] = [];
  for (let index = 0; index < count; index += 1) {
    const template = templates[index % templates.length];
    if (template === undefined) break;
    const round = Math.floor(index / templates.length);
    const code = round === 0 ? template.code : `${template.code}${round + 1}`;
    const rng = Rng.for(String(seed), 'institution', code);
    configs.push({
      ...template,
      code,
      name: round === 0 ? template.name : template.name.replace('（模拟）', `${round + 1}号（模拟）`),
      products: template.products.map((product) => ({ ...product, code: round === 0 ? product.code : `${product.code}${round + 1}` })),
      appId: `app_${code}_${rng.int(100_000, 999_999)}`,
      secret: `sim_${code}_${Array.from({ length: 32 }, () => rng.int(0, 15).toString(16)).join('')}`,
    });
  }
  return configs;
}

/** The resources an institution serves. */
export function offeredResources(config: InstitutionSimConfig): ResourceName[] {
  return resourceNames.filter((name) => name !== 'repayment-plans' || config.repaymentPlans);
}

/** GET /v1/capabilities for an institution. */
export function capabilitiesOf(config: InstitutionSimConfig): Capabilities {
  return {
    api_version: 'v1',
    institution: { code: config.code, name: config.name },
    resources: offeredResources(config),
    repayment_plans: config.repaymentPlans,
    review_decisions: true,
    grace_days: config.graceDays,
    default_page_limit: defaultPageLimit,
    max_page_limit: maxPageLimit,
    products: config.products.map((product) => ({
      code: product.code,
      name: product.name,
      line_mode: product.lineMode,
      partial_draw_allowed: product.partialDrawAllowed,
      required_items: product.requiredItems,
      repayment_methods: product.methods.map(([method]) => method),
      term_months: [...product.termMonths],
      face_vendor: product.faceVendor,
      face_model_version: product.faceModelVersion,
    })),
  };
}
