/**
 * What GET /v1/images/{id} draws: an image id names an application's ID card side or face photo,
 * served once the authentication item that produced it is ready. `SimInstitution.image()`
 * delegates here; the drawing itself is images/.
 */
import { ApiFailure } from './api-failure';
import { type ApplicationModel, productOf } from './applications';
import { itemResult, parseImageId } from './auth-items';
import type { SimInstitution } from './institution';
import { ModelCache } from './model-cache';
import { resourceCode } from './store';
import { faceSimilarity, vendorThresholds } from './vendors';

/** What GET /v1/images/{id} needs to draw an image. */
export type ImageRequest =
  | { kind: 'idf'; name: string; sex: 'male' | 'female'; ethnicity: string; birthDate: string; address: string; idNumber: string; warnings: string[]; personSeed: string }
  | { kind: 'idb'; authority: string; validFrom: string; validTo: string; warnings: string[] }
  | { kind: 'live' | 'ref'; personSeed: string; similarity: number; sex: 'male' | 'female' };

/** What to draw for an image id, or a NOT_FOUND failure. */
export function imageRequest(inst: SimInstitution, id: string): ImageRequest {
  const parsed = parseImageId(id);
  const notFound = new ApiFailure('NOT_FOUND', `No image ${id}`);
  if (parsed === null) throw notFound;
  const row = inst.store.record(inst.index, resourceCode('applications'), parsed.applicationId);
  if (row === undefined || row.updated_ms === null) throw notFound;
  const application = inst.application(parsed.applicationId, new ModelCache(inst.store, inst.index));
  const person = inst.persons.get(application.person);
  const personSeed = `${inst.context.world.seed}:${person.platformUserId}`;
  const ready = (plan: ApplicationModel['items'][keyof ApplicationModel['items']]) => plan !== undefined && plan.sourceId === application.id && plan.readyAt <= inst.clock.now;
  const ocrPlan = application.items.id_card_ocr;
  if (parsed.kind === 'idf' || parsed.kind === 'idb') {
    if (ocrPlan === undefined || !ready(ocrPlan)) throw notFound;
    const product = productOf(inst.config, application.product);
    const ocr = itemResult(inst.context, 'id_card_ocr', ocrPlan, person, product);
    if (parsed.kind === 'idb') {
      return { kind: 'idb', authority: ocr.back.issuing_authority, validFrom: ocr.back.valid_from, validTo: ocr.back.valid_to, warnings: ocr.quality_warnings };
    }
    return {
      kind: 'idf',
      name: ocr.front.name,
      sex: ocr.front.sex,
      ethnicity: ocr.front.ethnicity,
      birthDate: ocr.front.birth_date,
      address: ocr.front.address,
      idNumber: ocr.front.id_number,
      warnings: ocr.quality_warnings,
      personSeed,
    };
  }
  const facePlan = application.items.face_compare;
  const livenessPlan = application.items.liveness;
  if (parsed.kind === 'ref') {
    if (facePlan === undefined || !ready(facePlan)) throw notFound;
    return { kind: 'ref', personSeed, similarity: 1, sex: person.sex };
  }
  if (facePlan !== undefined && ready(facePlan)) {
    const product = productOf(inst.config, application.product);
    const thresholds = vendorThresholds(product.faceVendor, product.faceModelVersion);
    return { kind: 'live', personSeed, similarity: faceSimilarity(thresholds, facePlan.traits.faceScore ?? thresholds.far4), sex: person.sex };
  }
  if (livenessPlan === undefined || !ready(livenessPlan)) throw notFound;
  return { kind: 'live', personSeed, similarity: 1, sex: person.sex };
}
