/**
 * Credit applications: what happens to one (planned once, at generation or when it arrives) and
 * what it looks like at any simulated instant (rendered on demand from the plan). The plan holds
 * only times and the few traits that drive decisions; names, addresses and scores' surroundings
 * are regenerated from the seed when rendered.
 */
import type {
  ApplicationRecord,
  ApplicationStatus,
  AuthItemName,
  AuthItemStatus,
  OcrWarning,
} from '../../shared/institution-api';
import { LONG_TERM } from '../../shared/domain/ocr';
import { shanghaiDate } from '../../shared/time';
import { itemResult, itemTraits } from './auth-items';
import { dayMs, hourMs, isoInstant } from './clock';
import type { InstitutionSimConfig, ProductConfig } from './institutions';
import type { ContactFlag, Person, World } from './population';
import { Rng } from './rng';
import type { FaceBand } from './vendors';

/** What the generator and the renderer share about one institution. */
export interface InstitutionContext {
  world: World;
  config: InstitutionSimConfig;
}

export type OcrMismatch = 'name' | 'id_number' | 'sex' | 'birth_date';

/** Per-item facts fixed when the item is collected (and carried along when it is reused). */
export interface ItemTraits {
  realNameMatched?: boolean;
  ocrMismatch?: OcrMismatch | null;
  ocrWarnings?: OcrWarning[];
  ocrQuality?: number;
  livenessPassed?: boolean;
  livenessFailure?: 'action_timeout' | 'not_live' | 'multiple_faces' | 'face_not_found' | 'poor_lighting' | null;
  livenessScore?: number;
  livenessAttempts?: number;
  faceScore?: number;
  faceBand?: FaceBand;
  fourElementsMismatch?: Array<'name' | 'id_number' | 'card_number' | 'reserved_phone'>;
  carrierNameMatched?: boolean;
}

export interface ItemPlan {
  status: 'completed' | 'failed';
  /** When this application had the item (collection end, or the application time when reused). */
  readyAt: number;
  /** Original completion instant (earlier than the application when reused). */
  completedAt: number;
  validUntil: number;
  /** Application whose collection this is (itself unless reused) and that application's cycle. */
  sourceId: string;
  sourceCycle: number;
  traits: ItemTraits;
}

export interface RiskPlan {
  result: 'approve' | 'reject' | 'manual_review';
  score: number;
  suggestedLimitFen: number | null;
  reasons: Array<[string, string]>;
  at: number;
  /**
   * An automatic rejection the institution holds for a person to confirm (status MANUAL_REVIEW with
   * result 'reject'): approving it overturns the model, which CreditDesk puts under four-eyes.
   */
  awaitsConfirmation: boolean;
}

export interface ReviewPlan {
  decisionId: string;
  decision: 'approve' | 'reject';
  reviewerId: string;
  reasonCodes: string[];
  approvedLimitFen: number | null;
  decidedAt: number;
  receivedAt: number;
}

export interface ApplicationModel {
  id: string;
  person: number;
  cycle: number;
  product: string;
  appliedAt: number;
  requestedAmountFen: number;
  requestedTermMonths: number;
  quotedMonthlyRate: string;
  items: Partial<Record<AuthItemName, ItemPlan>>;
  /** The item the borrower stopped at, and when the institution closed the attempt. */
  abandonedItem: AuthItemName | null;
  abandonedAt: number | null;
  submittedAt: number | null;
  risk: RiskPlan | null;
  review: ReviewPlan | null;
  /** Status changes in time order; the first is AUTHENTICATING at appliedAt. */
  timeline: Array<[number, ApplicationStatus]>;
  lineId: string | null;
  /** Ground truth for tests and the admin report. */
  truth: {
    contactFlags: ContactFlag[];
    faceBand: FaceBand | null;
    faceVendor: string;
    faceModel: string;
    ocrMismatch: OcrMismatch | null;
    ocrWarnings: OcrWarning[];
    idCardExpired: boolean;
    invalidIdNumber: boolean;
  };
}

const itemValidityDays: Record<AuthItemName, number> = {
  real_name: 365,
  carrier: 30,
  personal_info: 180,
  contacts: 90,
  id_card_ocr: 180,
  liveness: 30,
  face_compare: 30,
  credit_card_four_elements: 180,
  online_banking: 30,
  ecommerce: 30,
};

const itemSeconds: Record<AuthItemName, readonly [number, number]> = {
  real_name: [20, 120],
  id_card_ocr: [40, 200],
  liveness: [15, 90],
  face_compare: [3, 20],
  personal_info: [60, 400],
  contacts: [30, 240],
  carrier: [60, 420],
  credit_card_four_elements: [60, 300],
  online_banking: [120, 700],
  ecommerce: [90, 500],
};

/** Applications waiting longer than this before the anchor were decided by the platform earlier. */
const legacyReviewAfterDays = 5;

export function productOf(config: InstitutionSimConfig, code: string): ProductConfig {
  const product = config.products.find((candidate) => candidate.code === code);
  if (product === undefined) throw new RangeError(`Unknown product ${code} at ${config.code}`);
  return product;
}

function compactDate(epochMs: number): string {
  return shanghaiDate(epochMs).replaceAll('-', '');
}

/** Plans application number `cycle` of a person, starting at `appliedAt`. */
export function planApplication(
  context: InstitutionContext,
  person: Person,
  cycle: number,
  appliedAt: number,
  previous: ApplicationModel | null,
): ApplicationModel {
  const { world, config } = context;
  const rng = Rng.for(world.seed, config.code, 'application', person.index, cycle);
  const product = previous !== null && rng.chance(0.7) ? productOf(config, previous.product) : rng.pick(config.products);
  const id = `APP${compactDate(appliedAt)}${String(person.index).padStart(7, '0')}${cycle}`;
  const [minAmount, maxAmount] = product.amountFen;
  const requestedAmountFen = Math.round(rng.between(minAmount, maxAmount) / 100_000) * 100_000 || minAmount;
  const model: ApplicationModel = {
    id,
    person: person.index,
    cycle,
    product: product.code,
    appliedAt,
    requestedAmountFen,
    requestedTermMonths: rng.pick(product.termMonths),
    quotedMonthlyRate: rng.pick(product.monthlyRates),
    items: {},
    abandonedItem: null,
    abandonedAt: null,
    submittedAt: null,
    risk: null,
    review: null,
    timeline: [[appliedAt, 'AUTHENTICATING']],
    lineId: null,
    truth: {
      contactFlags: [],
      faceBand: null,
      faceVendor: product.faceVendor,
      faceModel: product.faceModelVersion,
      ocrMismatch: null,
      ocrWarnings: [],
      idCardExpired: person.idCard.validTo !== LONG_TERM && person.idCard.validTo < shanghaiDate(appliedAt),
      invalidIdNumber: person.submittedIdNumber !== person.idNumber,
    },
  };

  let cursor = appliedAt + rng.int(10, 60) * 1000;
  let failed = false;
  for (const item of product.requiredItems) {
    const earlier = previous?.items[item];
    if (earlier !== undefined && earlier.status === 'completed' && earlier.validUntil > appliedAt) {
      model.items[item] = { ...earlier, readyAt: appliedAt };
      continue;
    }
    // More items, more chances to give up: abandonment is per item collected.
    if (rng.chance(person.risk === 'fraud' ? 0.07 : 0.035)) {
      model.abandonedItem = item;
      model.abandonedAt = cursor + dayMs;
      model.timeline.push([model.abandonedAt, 'ABANDONED']);
      break;
    }
    const [low, high] = itemSeconds[item];
    cursor += rng.int(low, high) * 1000;
    const traits = itemTraits(item, person, product, rng);
    const itemFailed =
      traits.realNameMatched === false || traits.livenessPassed === false || (traits.fourElementsMismatch?.length ?? 0) > 0;
    model.items[item] = {
      status: itemFailed ? 'failed' : 'completed',
      readyAt: cursor,
      completedAt: cursor,
      validUntil: cursor + itemValidityDays[item] * dayMs,
      sourceId: id,
      sourceCycle: cycle,
      traits,
    };
    if (itemFailed) {
      failed = true;
      break;
    }
  }

  model.truth.contactFlags = person.contacts.flatMap((contact) => (contact.flag === null ? [] : [contact.flag]));
  const ocr = model.items.id_card_ocr?.traits;
  model.truth.ocrMismatch = ocr?.ocrMismatch ?? null;
  model.truth.ocrWarnings = ocr?.ocrWarnings ?? [];
  model.truth.faceBand = model.items.face_compare?.traits.faceBand ?? null;
  if (model.abandonedItem !== null) return model;

  model.submittedAt = cursor + rng.int(1, 30) * 1000;
  model.timeline.push([model.submittedAt, 'RISK_REVIEWING']);
  model.risk = riskDecision(model, person, product, rng, failed);
  const riskStatus: ApplicationStatus =
    model.risk.result === 'approve' ? 'APPROVED' : model.risk.result === 'reject' && !model.risk.awaitsConfirmation ? 'REJECTED' : 'MANUAL_REVIEW';
  model.timeline.push([model.risk.at, riskStatus]);
  if (riskStatus === 'MANUAL_REVIEW' && model.risk.at < world.anchorMs - legacyReviewAfterDays * dayMs) {
    const approve = rng.chance(person.risk === 'fraud' ? 0.2 : 0.65);
    const decidedAt = model.risk.at + rng.int(1, 40) * hourMs;
    model.review = {
      decisionId: `RD-LEGACY-${id}`,
      decision: approve ? 'approve' : 'reject',
      reviewerId: `ops-${rng.int(1, 12)}`,
      reasonCodes: approve ? [] : [rng.pick(['CONTACT_RISK', 'FACE_MISMATCH', 'OCR_MISMATCH', 'FRAUD_SUSPECTED'])],
      approvedLimitFen: approve ? (model.risk.suggestedLimitFen ?? requestedAmountFen) : null,
      decidedAt,
      receivedAt: decidedAt + rng.int(1, 60) * 1000,
    };
    model.timeline.push([model.review.receivedAt, approve ? 'APPROVED' : 'REJECTED']);
  }
  return model;
}

/** Risk score from which a face-score-only rejection waits for a person's confirmation. */
const confirmRejectionMinScore = 450;

function riskDecision(model: ApplicationModel, person: Person, product: ProductConfig, rng: Rng, failed: boolean): RiskPlan {
  const at = (model.submittedAt ?? model.appliedAt) + rng.int(20, 1200) * 1000;
  const reject: Array<[string, string]> = [];
  const manual: Array<[string, string]> = [];
  const items = model.items;
  if (items.real_name?.traits.realNameMatched === false) reject.push(['REAL_NAME_MISMATCH', '姓名与身份证号核验不一致']);
  if (items.liveness?.traits.livenessPassed === false) reject.push(['LIVENESS_FAILED', '活体检测未通过']);
  if ((items.credit_card_four_elements?.traits.fourElementsMismatch?.length ?? 0) > 0) reject.push(['FOUR_ELEMENTS_MISMATCH', '信用卡四要素核验不一致']);
  const band = items.face_compare?.traits.faceBand;
  if (band === 'reject') reject.push(['FACE_SCORE_LOW', '人脸比对分低于拒绝阈值']);
  if (band === 'grey') manual.push(['FACE_SCORE_GREY', '人脸比对分处于人工复核区间']);
  const ocr = items.id_card_ocr?.traits;
  if (ocr?.ocrMismatch) manual.push([`OCR_MISMATCH_${ocr.ocrMismatch.toUpperCase()}`, '身份证OCR结果与提交信息不一致']);
  const serious = (ocr?.ocrWarnings ?? []).filter((warning) => ['edited', 'screen_reshoot', 'photocopy', 'temporary_card', 'invalid_validity'].includes(warning));
  if (serious.length > 0) manual.push(['OCR_QUALITY', `证件质量告警：${serious.join(',')}`]);
  if (ocr !== undefined && person.idCard.validTo !== LONG_TERM && person.idCard.validTo < shanghaiDate(model.appliedAt)) {
    manual.push(['ID_CARD_EXPIRED', '身份证已过有效期']);
  }
  if (items.contacts !== undefined) {
    for (const flag of new Set(person.contacts.flatMap((contact) => (contact.flag === null ? [] : [contact.flag])))) {
      manual.push([`CONTACT_${flag.toUpperCase()}`, '紧急联系人存在风险特征']);
    }
  }
  const baseScore = { good: 720, late: 640, defaulter: 580, fraud: 420 }[person.risk];
  const score = Math.max(0, Math.min(1000, Math.round(rng.normal(baseScore, 60)) - reject.length * 120 - manual.length * 40));
  const [minAmount, maxAmount] = product.amountFen;
  const suggested = Math.max(minAmount, Math.min(maxAmount, Math.round((model.requestedAmountFen * rng.between(0.7, product.lineMode === 'revolving' ? 1.6 : 1)) / 100_000) * 100_000));
  // Policy seen in docking documents: a rejection on the face score alone, for an otherwise
  // well-scored applicant, is held for a person to confirm instead of being final.
  const faceOnly = reject.length === 1 && reject[0]?.[0] === 'FACE_SCORE_LOW';
  if (!failed && faceOnly && score >= confirmRejectionMinScore) {
    return { result: 'reject', score, suggestedLimitFen: suggested, reasons: [...reject, ...manual], at, awaitsConfirmation: true };
  }
  if (failed || reject.length > 0) return { result: 'reject', score, suggestedLimitFen: null, reasons: reject, at, awaitsConfirmation: false };
  if (manual.length > 0) return { result: 'manual_review', score, suggestedLimitFen: suggested, reasons: manual, at, awaitsConfirmation: false };
  const approveChance = { good: 0.92, late: 0.85, defaulter: 0.75, fraud: 0.4 }[person.risk];
  if (rng.chance(approveChance)) return { result: 'approve', score, suggestedLimitFen: suggested, reasons: [], at, awaitsConfirmation: false };
  return { result: 'reject', score, suggestedLimitFen: null, reasons: [['RISK_SCORE_LOW', '综合评分不足']], at, awaitsConfirmation: false };
}

/** The status at an instant (null before the application exists). */
export function applicationStatusAt(model: ApplicationModel, at: number): ApplicationStatus | null {
  let status: ApplicationStatus | null = null;
  for (const [time, next] of model.timeline) {
    if (time > at) break;
    status = next;
  }
  return status;
}

/** Every instant at which the rendered application changes, in order. */
export function applicationChangeTimes(model: ApplicationModel): number[] {
  const times = new Set<number>(model.timeline.map(([time]) => time));
  for (const item of Object.values(model.items)) times.add(item.readyAt);
  if (model.risk !== null) times.add(model.risk.at);
  return [...times].sort((a, b) => a - b);
}

/**
 * What is stored for an application: planning is deterministic, so the plan itself is
 * regenerated from this (plus what happened at run time: the line granted and a review pushed).
 */
export interface ApplicationStub {
  person: number;
  cycle: number;
  appliedAt: number;
  previousId: string | null;
  lineId: string | null;
  /** A decision received through the API (legacy reviews are part of the plan). */
  review: ReviewPlan | null;
}

/** Regenerates an application plan from its stub; `expandPrevious` regenerates the borrower's earlier one. */
export function expandApplication(
  context: InstitutionContext,
  stub: ApplicationStub,
  person: Person,
  expandPrevious: (id: string) => ApplicationModel,
): ApplicationModel {
  const previous = stub.previousId === null ? null : expandPrevious(stub.previousId);
  const model = planApplication(context, person, stub.cycle, stub.appliedAt, previous);
  model.lineId = stub.lineId;
  if (stub.review !== null) applyReview(model, stub.review, stub.lineId);
  return model;
}

/** Records a manual-review decision received at `at` (the application must be in MANUAL_REVIEW). */
export function applyReview(model: ApplicationModel, review: ReviewPlan, lineId: string | null): void {
  model.review = review;
  model.lineId = lineId;
  model.timeline.push([review.receivedAt, review.decision === 'approve' ? 'APPROVED' : 'REJECTED']);
}

/** The application as served at simulated instant `at`. */
export function renderApplication(
  context: InstitutionContext,
  model: ApplicationModel,
  person: Person,
  at: number,
): Omit<ApplicationRecord, 'id' | 'version' | 'updated_at'> {
  const product = productOf(context.config, model.product);
  const status = applicationStatusAt(model, at) ?? 'AUTHENTICATING';
  const items = product.requiredItems;
  // The item in progress is the first required item not yet ready.
  const current = items.find((item) => {
    const plan = model.items[item];
    return plan === undefined || plan.readyAt > at;
  });
  const collectionEnded = status !== 'AUTHENTICATING';
  const itemView = <Name extends AuthItemName>(item: Name) => {
    const plan = model.items[item];
    if (plan !== undefined && plan.readyAt <= at) {
      return {
        status: plan.status satisfies AuthItemStatus,
        completed_at: isoInstant(plan.completedAt),
        valid_until: isoInstant(plan.validUntil),
        reused_from_application_id: plan.sourceId === model.id ? null : plan.sourceId,
        result: itemResult(context, item, plan, person, product),
      };
    }
    const inProgress = item === current && (!collectionEnded || item === model.abandonedItem);
    const status: AuthItemStatus = inProgress ? 'in_progress' : 'not_started';
    return { status, completed_at: null, valid_until: null, reused_from_application_id: null, result: null };
  };
  const optional = <Name extends AuthItemName>(item: Name) => (items.includes(item) ? itemView(item) : null);
  const riskVisible = model.risk !== null && model.risk.at <= at;
  const reviewVisible = model.review !== null && model.review.receivedAt <= at;
  return {
    borrower: { platform_user_id: person.platformUserId, name: person.name, id_number: person.submittedIdNumber, phone: person.phone },
    product_code: product.code,
    product_name: product.name,
    line_mode: product.lineMode,
    requested_amount_fen: model.requestedAmountFen,
    requested_term_months: model.requestedTermMonths,
    quoted_monthly_rate: model.quotedMonthlyRate,
    status,
    abandoned_at_item: status === 'ABANDONED' ? model.abandonedItem : null,
    applied_at: isoInstant(model.appliedAt),
    submitted_at: model.submittedAt !== null && model.submittedAt <= at ? isoInstant(model.submittedAt) : null,
    authentication: {
      required_items: [...items],
      real_name: itemView('real_name'),
      carrier: itemView('carrier'),
      personal_info: itemView('personal_info'),
      contacts: itemView('contacts'),
      id_card_ocr: itemView('id_card_ocr'),
      liveness: itemView('liveness'),
      face_compare: itemView('face_compare'),
      credit_card_four_elements: optional('credit_card_four_elements'),
      online_banking: optional('online_banking'),
      ecommerce: optional('ecommerce'),
    },
    risk_decision:
      riskVisible && model.risk !== null
        ? {
            result: model.risk.result,
            score: model.risk.score,
            suggested_limit_fen: model.risk.suggestedLimitFen,
            reasons: model.risk.reasons.map(([code, message]) => ({ code, message })),
            decided_at: isoInstant(model.risk.at),
          }
        : null,
    review:
      reviewVisible && model.review !== null
        ? {
            decision_id: model.review.decisionId,
            decision: model.review.decision,
            reviewer_id: model.review.reviewerId,
            reason_codes: model.review.reasonCodes,
            approved_limit_fen: model.review.approvedLimitFen,
            decided_at: isoInstant(model.review.decidedAt),
            received_at: isoInstant(model.review.receivedAt),
          }
        : null,
    credit_line_id: status === 'APPROVED' ? model.lineId : null,
  };
}
