/**
 * What a face is made of: the features a person's seed stands for (the same on their ID card and
 * every photo of them), and how a live photo mixes in another person's.
 */
import { createRandom } from './random';

type HairStyle = 'crew' | 'sidePart' | 'buzz' | 'bangs' | 'bob' | 'long' | 'bun' | 'curly';
type Glasses = 'none' | 'round' | 'rectangle';
type Clothing = 'round' | 'vee' | 'shirt';
type FacialHair = 'none' | 'stubble' | 'mustache';

/**
 * Everything that makes one generated person look like themselves. Numbers are mixed linearly
 * between two people; the other fields switch from one person to the other.
 */
export interface FaceFeatures {
  faceWidth: number;
  faceLength: number;
  jawWidth: number;
  chinPoint: number;
  skinHue: number;
  skinSaturation: number;
  skinLightness: number;
  hairStyle: HairStyle;
  hairHue: number;
  hairSaturation: number;
  hairLightness: number;
  hairVolume: number;
  hairlineHeight: number;
  hairPart: number;
  eyeSpacing: number;
  eyeHeight: number;
  eyeWidth: number;
  eyeOpenness: number;
  eyeTilt: number;
  doubleEyelid: boolean;
  irisLightness: number;
  browThickness: number;
  browGap: number;
  browTilt: number;
  browArch: number;
  browLength: number;
  noseLength: number;
  noseWidth: number;
  mouthGap: number;
  mouthWidth: number;
  lipThickness: number;
  smile: number;
  earSize: number;
  glasses: Glasses;
  glassesLightness: number;
  glassesHue: number;
  clothing: Clothing;
  clothesHue: number;
  clothesSaturation: number;
  clothesLightness: number;
  facialHair: FacialHair;
  mole: boolean;
  moleX: number;
  moleY: number;
}

/** Either sex as printed on the card; it steers hair and facial hair, nothing else. */
export type Sex = 'male' | 'female';

const hairStylesFor: Record<Sex | 'any', readonly HairStyle[]> = {
  male: ['crew', 'sidePart', 'buzz', 'curly', 'crew', 'sidePart'],
  female: ['bangs', 'bob', 'long', 'bun', 'sidePart', 'curly', 'long'],
  any: ['crew', 'sidePart', 'buzz', 'bangs', 'bob', 'long', 'bun', 'curly'],
};

export function featuresFor(seed: string, sex: Sex | undefined): FaceFeatures {
  const random = createRandom(`face|${seed}`);
  const hairStyle = random.pick(hairStylesFor[sex ?? 'any']);
  const longHair = hairStyle === 'long' || hairStyle === 'bob' || hairStyle === 'bun';
  const facialHairRoll = random.next();
  const facialHairKind = random.pick<FacialHair>(['stubble', 'mustache']);
  const dyed = random.chance(0.2);
  const glasses = random.chance(0.3) ? random.pick<Glasses>(['round', 'rectangle']) : 'none';
  return {
    faceWidth: random.between(0.4, 0.5),
    faceLength: random.between(1.2, 1.42),
    jawWidth: random.between(0.55, 0.9),
    chinPoint: random.next(),
    skinHue: random.between(18, 34),
    skinSaturation: random.between(30, 58),
    skinLightness: random.between(58, 80),
    hairStyle,
    hairHue: random.between(15, 32),
    hairSaturation: dyed ? random.between(30, 50) : random.between(5, 25),
    hairLightness: dyed ? random.between(22, 36) : random.between(6, 16),
    hairVolume: random.next(),
    hairlineHeight: random.between(0.1, 0.2),
    hairPart: random.between(-1, 1),
    eyeSpacing: random.between(0.38, 0.48),
    eyeHeight: random.between(0.44, 0.52),
    eyeWidth: random.between(0.16, 0.22),
    eyeOpenness: random.between(0.28, 0.48),
    eyeTilt: random.between(-0.08, 0.18),
    doubleEyelid: random.chance(0.55),
    irisLightness: random.between(8, 24),
    browThickness: random.between(0.018, 0.045),
    browGap: random.between(0.07, 0.11),
    browTilt: random.between(-0.05, 0.2),
    browArch: random.between(0, 0.035),
    browLength: random.between(0.9, 1.35),
    noseLength: random.between(0.19, 0.27),
    noseWidth: random.between(0.18, 0.3),
    mouthGap: random.between(0.09, 0.14),
    mouthWidth: random.between(0.3, 0.46),
    lipThickness: random.between(0.018, 0.04),
    smile: random.between(-0.3, 1),
    earSize: random.between(0.8, 1.2),
    glasses,
    glassesLightness: random.between(8, 60),
    glassesHue: random.between(0, 360),
    clothing: random.pick<Clothing>(['round', 'vee', 'shirt']),
    clothesHue: random.between(0, 360),
    clothesSaturation: random.between(5, 55),
    clothesLightness: random.between(12, 55),
    facialHair: sex !== 'female' && !longHair && facialHairRoll < 0.3 ? facialHairKind : 'none',
    mole: random.chance(0.3),
    moleX: random.between(-0.6, 0.6),
    moleY: random.between(0.1, 0.75),
  };
}

/**
 * Moves a person `share` of the way to another: numbers blend, and each switchable trait flips to
 * the other person once `share` passes that trait's own threshold, so a lower similarity never
 * keeps more of the original person than a higher one.
 */
export function mixFeatures(own: FaceFeatures, other: FaceFeatures, share: number, seed: string): FaceFeatures {
  const mixed: Record<string, unknown> = { ...own };
  const otherValues: Record<string, unknown> = { ...other };
  for (const key of Object.keys(own)) {
    const from = mixed[key];
    const to = otherValues[key];
    if (typeof from === 'number' && typeof to === 'number') {
      mixed[key] = from + (to - from) * share;
    } else if (createRandom(`switch|${seed}|${key}`).next() < share) {
      mixed[key] = to;
    }
  }
  return mixed as unknown as FaceFeatures;
}

/** The features of the person a seed stands for, as drawn on their ID card and reference photo. */
export function personFeatures(personSeed: string, sex: Sex | undefined): FaceFeatures {
  return featuresFor(personSeed, sex);
}
