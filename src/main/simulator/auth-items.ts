/**
 * An application's authentication items: the traits fixed when an item is collected (what drives
 * the decisions) and the result the record shows, regenerated from the seed (also what the ID card
 * and face images print).
 */
import type { ApplicationRecord, AuthItemName, OcrWarning } from '../../shared/institution-api';
import { addDays } from '../../shared/time';
import type { InstitutionContext, ItemPlan, ItemTraits, OcrMismatch } from './applications';
import { banks } from './catalog';
import { dayMs, isoInstant, minuteMs } from './clock';
import type { ProductConfig } from './institutions';
import type { Person } from './population';
import { Rng } from './rng';
import { type FaceBand, scoreInBand, vendorThresholds } from './vendors';

export function itemTraits(item: AuthItemName, person: Person, product: ProductConfig, rng: Rng): ItemTraits {
  const fraud = person.risk === 'fraud';
  switch (item) {
    case 'real_name':
      return { realNameMatched: person.submittedIdNumber === person.idNumber };
    case 'id_card_ocr': {
      const mismatch = rng.chance(fraud ? 0.2 : 0.05) ? rng.weighted<OcrMismatch>([['name', 3], ['id_number', 3], ['sex', 1.6], ['birth_date', 2.4]]) : null;
      const warnings = new Set<OcrWarning>();
      if (rng.chance(fraud ? 0.45 : 0.12)) {
        const pool: Array<readonly [OcrWarning, number]> = fraud
          ? [['edited', 3], ['screen_reshoot', 3], ['photocopy', 3], ['temporary_card', 1], ['glare', 1]]
          : [['glare', 4], ['blur', 4], ['incomplete_border', 3], ['covered', 2], ['low_quality', 2], ['photocopy', 1], ['screen_reshoot', 1], ['temporary_card', 0.5], ['invalid_validity', 0.5], ['edited', 0.3]];
        warnings.add(rng.weighted(pool));
        if (rng.chance(0.3)) warnings.add(rng.weighted(pool));
      }
      const blurred = warnings.has('blur') || warnings.has('glare') || warnings.has('low_quality');
      return { ocrMismatch: mismatch, ocrWarnings: [...warnings], ocrQuality: Math.round(blurred ? rng.between(35, 65) : rng.between(70, 99)) };
    }
    case 'liveness': {
      const passed = !rng.chance(fraud ? 0.25 : 0.04);
      return {
        livenessPassed: passed,
        livenessFailure: passed ? null : rng.pick(['action_timeout', 'not_live', 'multiple_faces', 'face_not_found', 'poor_lighting'] as const),
        livenessScore: Math.round(passed ? rng.between(75, 99.5) : rng.between(5, 65)),
        livenessAttempts: passed ? rng.weighted([[1, 80], [2, 15], [3, 5]]) : 3,
      };
    }
    case 'face_compare': {
      const band = rng.weighted<FaceBand>(fraud ? [['pass', 20], ['grey', 30], ['reject', 50]] : [['pass', 85], ['grey', 11], ['reject', 4]]);
      const thresholds = vendorThresholds(product.faceVendor, product.faceModelVersion);
      return { faceBand: band, faceScore: scoreInBand(thresholds, band, rng.next()) };
    }
    case 'credit_card_four_elements':
      return { fourElementsMismatch: rng.chance(fraud ? 0.3 : 0.05) ? [rng.weighted<'name' | 'id_number' | 'card_number' | 'reserved_phone'>([['reserved_phone', 6], ['card_number', 2], ['name', 1], ['id_number', 1]])] : [] };
    case 'carrier':
      return { carrierNameMatched: !(fraud && rng.chance(0.3)) };
    case 'personal_info':
    case 'contacts':
    case 'online_banking':
    case 'ecommerce':
      return {};
    default: {
      const unknown: never = item;
      throw new RangeError(`Unknown item ${String(unknown)}`);
    }
  }
}

/** Image ids: kind and the application whose collection produced the image. */
export type ImageKind = 'idf' | 'idb' | 'live' | 'ref';

export function imageId(kind: ImageKind, sourceApplicationId: string): string {
  return `IMG.${kind}.${sourceApplicationId}`;
}

export function parseImageId(id: string): { kind: ImageKind; applicationId: string } | null {
  const match = /^IMG\.(idf|idb|live|ref)\.([A-Za-z0-9_-]+)$/.exec(id);
  if (match === null) return null;
  return { kind: match[1] as ImageKind, applicationId: match[2] ?? '' };
}

/** The OCR reading of the card as the record shows it (also what the card image prints). */
function ocrReading(person: Person, traits: ItemTraits, rng: Rng) {
  const mismatch = traits.ocrMismatch ?? null;
  let name = person.name;
  let idNumber = person.idNumber;
  let sex = person.sex;
  let birthDate = person.birthDate;
  if (mismatch === 'name') {
    const position = person.name.length - 1;
    const lookalikes = ['玲', '岭', '铃', '伶', '今', '令', '冷', '领'];
    name = person.name.slice(0, position) + rng.pick(lookalikes.filter((character) => character !== person.name[position]));
  } else if (mismatch === 'id_number') {
    const position = rng.int(6, 15);
    const digit = Number(person.idNumber[position] ?? '0');
    idNumber = person.idNumber.slice(0, position) + String((digit + rng.int(1, 8)) % 10) + person.idNumber.slice(position + 1);
  } else if (mismatch === 'sex') {
    sex = person.sex === 'male' ? 'female' : 'male';
  } else if (mismatch === 'birth_date') {
    birthDate = addDays(person.birthDate, rng.pick([-365, 365, -31, 31, 10, -10]));
  }
  return { name, sex, ethnicity: person.ethnicity, birth_date: birthDate, address: person.address, id_number: idNumber };
}

type Authentication = ApplicationRecord['authentication'];
type ResultOf<Name extends AuthItemName> = NonNullable<NonNullable<Authentication[Name]>['result']>;
interface ResultInput {
  plan: ItemPlan;
  person: Person;
  product: ProductConfig;
  rng: Rng;
}

const resultBuilders: { [Name in AuthItemName]: (input: ResultInput) => ResultOf<Name> } = {
  real_name: ({ plan }) => ({ matched: plan.traits.realNameMatched ?? true, source: 'public_security' }),
  carrier: ({ plan, person }) => ({
    authorized: true,
    carrier: person.carrier,
    phone: person.phone,
    real_name_matched: plan.traits.carrierNameMatched ?? true,
    account_age_months: person.carrierAccountMonths,
    call_list_months: 6,
    call_list_distinct_numbers: person.callListDistinctNumbers,
    authorization_expires_at: isoInstant(plan.validUntil),
  }),
  personal_info: ({ person }) => ({
    education: person.education,
    marital_status: person.maritalStatus,
    employer: person.employer,
    occupation: person.occupation,
    monthly_income_fen: person.monthlyIncomeFen,
    residence_address: person.residenceAddress,
  }),
  contacts: ({ plan, person, rng }) => ({
    address_book_size: person.addressBookSize,
    emergency_contacts: person.contacts.map((contact) => ({
      name: contact.name,
      phone: contact.phone,
      relationship: contact.relationship,
      address_book_entry: contact.entry === null ? null : { display_name: contact.entry.displayName, remark: contact.entry.remark },
      call_count: contact.callCount,
      last_call_at:
        contact.lastCallDaysAgo === null ? null : isoInstant(plan.completedAt - contact.lastCallDaysAgo * dayMs - rng.int(1, 600) * minuteMs),
    })),
  }),
  id_card_ocr: ({ plan, person, rng }) => ({
    front: ocrReading(person, plan.traits, rng),
    back: { issuing_authority: person.idCard.authority, valid_from: person.idCard.validFrom, valid_to: person.idCard.validTo },
    quality_warnings: plan.traits.ocrWarnings ?? [],
    quality_score: plan.traits.ocrQuality ?? 90,
    front_image_id: imageId('idf', plan.sourceId),
    back_image_id: imageId('idb', plan.sourceId),
  }),
  liveness: ({ plan, product, rng }) => ({
    passed: plan.traits.livenessPassed ?? true,
    vendor: product.faceVendor,
    model_version: product.faceModelVersion,
    score: plan.traits.livenessScore ?? 90,
    threshold: 70,
    actions: rng.pick<Array<'blink' | 'open_mouth' | 'nod' | 'shake_head'>>([['blink', 'open_mouth'], ['blink', 'nod'], ['open_mouth', 'shake_head'], ['blink', 'open_mouth', 'nod']]),
    failure_reason: plan.traits.livenessFailure ?? null,
    attempts: plan.traits.livenessAttempts ?? 1,
    live_image_id: imageId('live', plan.sourceId),
  }),
  face_compare: ({ plan, product }) => {
    const thresholds = vendorThresholds(product.faceVendor, product.faceModelVersion);
    return {
      vendor: product.faceVendor,
      model_version: product.faceModelVersion,
      score: plan.traits.faceScore ?? thresholds.far4,
      thresholds: [
        { false_accept_rate: '1e-3' as const, score: thresholds.far3 },
        { false_accept_rate: '1e-4' as const, score: thresholds.far4 },
        ...(thresholds.far5 === null ? [] : [{ false_accept_rate: '1e-5' as const, score: thresholds.far5 }]),
      ],
      reference_source: 'public_security',
      live_image_id: imageId('live', plan.sourceId),
      reference_image_id: imageId('ref', plan.sourceId),
    };
  },
  credit_card_four_elements: ({ plan, rng }) => {
    const bank = rng.pick(banks);
    return {
      verified: (plan.traits.fourElementsMismatch ?? []).length === 0,
      bank_name: `${bank.name}信用卡`,
      card_number_masked: `${rng.pick(['4392', '5187', '6258', '6225'])}********${String(rng.int(0, 9999)).padStart(4, '0')}`,
      mismatched_elements: plan.traits.fourElementsMismatch ?? [],
    };
  },
  online_banking: ({ person, rng }) => {
    const inflow = Math.round(person.monthlyIncomeFen * rng.between(0.8, 1.4));
    return {
      bank_name: rng.pick(banks).name,
      months_imported: rng.pick([6, 12]),
      average_monthly_inflow_fen: inflow,
      average_monthly_outflow_fen: Math.round(inflow * rng.between(0.7, 1.05)),
      balance_fen: Math.round(person.monthlyIncomeFen * rng.between(0.05, 3)),
      salary_detected: person.employer !== null && rng.chance(0.85),
    };
  },
  ecommerce: ({ person, rng }) => ({
    platform: rng.pick(['taobao', 'jd', 'pinduoduo'] as const),
    account_age_months: person.risk === 'fraud' ? rng.int(1, 8) : rng.int(12, 150),
    orders_last_12_months: rng.int(3, 260),
    spend_last_12_months_fen: rng.int(500, 80_000) * 100,
    delivery_address_count: rng.int(1, 6),
    verified_real_name: person.risk !== 'fraud' || rng.chance(0.5),
  }),
};

/** The result part of an item, as rendered in the application (also what the images show). */
export function itemResult<Name extends AuthItemName>(context: InstitutionContext, item: Name, plan: ItemPlan, person: Person, product: ProductConfig): ResultOf<Name> {
  const rng = Rng.for(context.world.seed, context.config.code, 'item', person.index, plan.sourceCycle, item);
  return resultBuilders[item]({ plan, person, product, rng });
}
