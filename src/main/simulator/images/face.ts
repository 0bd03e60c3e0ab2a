/**
 * Face photos (reference and live) and the portrait drawn on them and on the ID card: the parts of
 * face-parts.ts put together in one pass from the features of face-features.ts.
 */
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { encodeCanvas, type Box, type RenderOptions } from './draw';
import { type FaceFeatures, featuresFor, mixFeatures, type Sex } from './face-features';
import { drawBackHair, drawBrow, drawClothes, drawEye, drawFrontHair, drawGlasses, drawMouth, drawNose, frontalPose, geometryFor, headPath, hsl, type Pose } from './face-parts';
import { createRandom, type Random } from './random';

/**
 * Draws a head-and-shoulders portrait of the person into the box, on whatever background the
 * context already holds.
 */
export function drawPortrait(context: SKRSContext2D, box: Box, features: FaceFeatures, pose: Pose, seed: string): void {
  const random = createRandom(`portrait|${seed}`);
  const geometry = geometryFor(box, features, pose);
  const skin = hsl(features.skinHue, features.skinSaturation, features.skinLightness);
  const skinShadow = hsl(features.skinHue - 2, features.skinSaturation + 5, features.skinLightness - 14);
  const hair = hsl(features.hairHue, features.hairSaturation, features.hairLightness);
  context.save();
  context.beginPath();
  context.rect(box.x, box.y, box.width, box.height);
  context.clip();
  context.translate(geometry.centerX, geometry.centerY);
  context.rotate(pose.angle);
  context.translate(-geometry.centerX, -geometry.centerY);

  drawBackHair(context, geometry, features, hair);
  drawClothes(context, geometry, features, skin, skinShadow);

  // Ears: the one on the side the head turns toward shows less.
  for (const side of [-1, 1]) {
    const visible = 1 - side * pose.yaw * 1.5;
    context.fillStyle = skin;
    context.beginPath();
    context.ellipse(
      geometry.centerX + side * geometry.halfWidth * 0.98 - geometry.shift * 0.3,
      geometry.eyeY + 0.06 * geometry.length,
      geometry.halfWidth * 0.13 * features.earSize * visible,
      geometry.length * 0.1 * features.earSize,
      0,
      0,
      Math.PI * 2,
    );
    context.fill();
    context.strokeStyle = skinShadow;
    context.lineWidth = 1.5;
    context.stroke();
  }

  headPath(context, geometry, features);
  context.fillStyle = skin;
  context.fill();
  context.save();
  headPath(context, geometry, features);
  context.clip();
  const shade = context.createRadialGradient(
    geometry.centerX + geometry.shift,
    geometry.centerY - 0.08 * geometry.length,
    geometry.halfWidth * 0.4,
    geometry.centerX + geometry.shift,
    geometry.centerY,
    geometry.halfWidth * 1.5,
  );
  shade.addColorStop(0, 'rgba(255, 250, 240, 0.18)');
  shade.addColorStop(0.6, 'rgba(0, 0, 0, 0)');
  shade.addColorStop(1, 'rgba(60, 25, 10, 0.35)');
  context.fillStyle = shade;
  context.fillRect(box.x, box.y, box.width, box.height);
  for (const side of [-1, 1]) {
    const cheekX = geometry.centerX + geometry.shift + side * geometry.eyeDistance * 1.05;
    const cheekY = geometry.noseY + 0.01 * geometry.length;
    const blush = context.createRadialGradient(cheekX, cheekY, 0, cheekX, cheekY, geometry.halfWidth * 0.35);
    blush.addColorStop(0, 'rgba(230, 110, 100, 0.16)');
    blush.addColorStop(1, 'rgba(230, 110, 100, 0)');
    context.fillStyle = blush;
    context.fillRect(box.x, box.y, box.width, box.height);
  }
  if (features.facialHair === 'stubble') {
    context.fillStyle = hsl(features.hairHue, 10, 20, 0.22);
    for (let dot = 0; dot < 500; dot += 1) {
      const angle = random.between(0.1, Math.PI - 0.1);
      const distance = random.between(0.25, 0.52) * geometry.length;
      const x = geometry.centerX + Math.cos(angle) * geometry.halfWidth * (distance / (0.5 * geometry.length));
      const y = geometry.noseY + Math.sin(angle) * distance * 0.75;
      context.fillRect(x, y, 1.2, 1.2);
    }
  }
  context.restore();

  if (features.mole) {
    context.fillStyle = hsl(20, 35, 22);
    context.beginPath();
    context.arc(
      geometry.centerX + features.moleX * geometry.halfWidth * 0.8,
      geometry.eyeY + features.moleY * (geometry.bottom - geometry.eyeY) * 0.8,
      Math.max(1.5, geometry.length * 0.008),
      0,
      Math.PI * 2,
    );
    context.fill();
  }

  const lidColor = hsl(features.hairHue, 20, 10);
  const gaze = pose.yaw * 2;
  for (const side of [-1, 1]) {
    drawEye(context, geometry.centerX + geometry.shift + side * geometry.eyeDistance, geometry.eyeY, geometry.eyeWidth, features, side, gaze, lidColor, skinShadow);
    drawBrow(context, geometry, features, side, hsl(features.hairHue, features.hairSaturation, features.hairLightness + 6));
  }
  drawNose(context, geometry, features, skinShadow);
  drawMouth(
    context,
    geometry,
    features,
    hsl(features.skinHue - 14, features.skinSaturation + 12, features.skinLightness - 16),
    hsl(features.skinHue - 10, features.skinSaturation, features.skinLightness - 38),
  );
  if (features.facialHair === 'mustache') {
    context.fillStyle = hsl(features.hairHue, features.hairSaturation, features.hairLightness + 4, 0.85);
    const width = features.mouthWidth * geometry.halfWidth * 2.1;
    const x = geometry.centerX + geometry.shift * 1.1;
    const y = geometry.mouthY - features.lipThickness * geometry.length * 1.3;
    context.beginPath();
    context.moveTo(x - width / 2, y + geometry.length * 0.02);
    context.quadraticCurveTo(x, y - geometry.length * 0.035, x + width / 2, y + geometry.length * 0.02);
    context.quadraticCurveTo(x, y - geometry.length * 0.005, x - width / 2, y + geometry.length * 0.02);
    context.fill();
  }
  drawFrontHair(context, geometry, features, random);
  drawGlasses(context, geometry, features);
  context.restore();
}

/** Pixel size of every face photo (reference and live): 4:5, like an ID photo. */
export const faceImageSize = { width: 360, height: 450 } as const;

/** Input of renderFace. */
export interface FaceInput {
  /** Who the person is: the same seed always draws the same person. */
  personSeed: string;
  /** 'reference': the public-security photo (plain light background, frontal, even light); 'live': a camera frame. */
  variant: 'reference' | 'live';
  /**
   * For 'live' only: 1 draws the same person as the reference; lower values blend in another
   * person's features in proportion to 1 - similarity. Ignored for 'reference'.
   */
  similarity: number;
  /** Steers hairstyle and facial hair; pass the applicant's sex so the face fits the card. */
  sex?: Sex;
}

function drawCameraBackground(context: SKRSContext2D, width: number, height: number, random: Random): void {
  const scene = random.pick(['room', 'office', 'window'] as const);
  const wallHue = random.between(20, 220);
  const wall = context.createLinearGradient(0, 0, width * random.between(0.3, 1), height);
  wall.addColorStop(0, hsl(wallHue, random.between(5, 25), random.between(70, 86)));
  wall.addColorStop(1, hsl(wallHue, random.between(5, 20), random.between(40, 60)));
  context.fillStyle = wall;
  context.fillRect(0, 0, width, height);
  if (scene === 'room') {
    const doorX = random.pick([random.between(-40, 60), random.between(width - 120, width - 20)]);
    context.fillStyle = hsl(random.between(20, 40), random.between(20, 45), random.between(30, 55));
    context.fillRect(doorX, height * 0.15, 110, height);
    context.fillStyle = 'rgba(255, 250, 225, 0.8)';
    context.beginPath();
    context.ellipse(width * random.between(0.2, 0.8), -10, 70, 35, 0, 0, Math.PI * 2);
    context.fill();
  } else if (scene === 'office') {
    context.fillStyle = hsl(random.between(190, 230), 10, random.between(80, 92));
    context.fillRect(random.between(0, width * 0.5), height * 0.05, width * 0.55, height * 0.4);
    context.fillStyle = 'rgba(20, 22, 28, 0.85)';
    context.fillRect(random.pick([-30, width - 90]), height * 0.55, 120, 90);
  } else {
    const windowX = random.between(-20, width * 0.6);
    context.fillStyle = '#f4f8ff';
    context.fillRect(windowX, height * 0.02, width * 0.5, height * 0.55);
    context.strokeStyle = hsl(30, 10, 35);
    context.lineWidth = 8;
    context.strokeRect(windowX, height * 0.02, width * 0.5, height * 0.55);
    context.beginPath();
    context.moveTo(windowX + width * 0.25, height * 0.02);
    context.lineTo(windowX + width * 0.25, height * 0.57);
    context.stroke();
  }
}

/**
 * Renders a generated face photo as PNG. Deterministic: the same input gives the same bytes.
 * The reference photo is frontal on a plain light background; the live photo of the same person
 * is a camera frame with a slightly different pose, light and a room behind.
 */
export async function renderFace(input: FaceInput, options?: RenderOptions): Promise<Buffer> {
  return encodeCanvas(renderFaceCanvas(input), options);
}

function renderFaceCanvas(input: FaceInput): Canvas {
  if (!(input.similarity >= 0 && input.similarity <= 1)) throw new RangeError(`similarity must be within 0..1, got ${input.similarity}`);
  const { width, height } = faceImageSize;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  const own = featuresFor(input.personSeed, input.sex);
  const box = { x: 0, y: 0, width, height };
  if (input.variant === 'reference') {
    const random = createRandom(`reference|${input.personSeed}`);
    context.fillStyle = hsl(210, random.between(0, 35), random.between(92, 98));
    context.fillRect(0, 0, width, height);
    drawPortrait(context, box, own, frontalPose, input.personSeed);
    return canvas;
  }
  // Pose, light and room depend on the person only, so photos of differing similarity differ
  // only in the face.
  const random = createRandom(`live|${input.personSeed}`);
  const features = mixFeatures(own, featuresFor(`${input.personSeed}\u0000other`, input.sex), 1 - input.similarity, input.personSeed);
  const pose: Pose = {
    angle: random.between(-0.07, 0.07),
    offsetX: random.between(-0.05, 0.05),
    offsetY: random.between(-0.03, 0.04),
    scale: random.between(0.92, 1.06),
    yaw: random.between(-0.12, 0.12),
  };
  const background = createCanvas(width, height);
  drawCameraBackground(background.getContext('2d'), width, height, random);
  context.filter = `blur(${random.between(3, 6).toFixed(1)}px)`;
  context.drawImage(background, 0, 0);
  context.filter = 'none';
  drawPortrait(context, box, features, pose, input.personSeed);

  // Light from one side and a colour cast, as an indoor phone camera gives.
  const fromLeft = random.chance(0.5);
  const light = context.createLinearGradient(fromLeft ? 0 : width, 0, fromLeft ? width : 0, 0);
  light.addColorStop(0, 'rgba(255, 245, 225, 0.22)');
  light.addColorStop(1, 'rgba(0, 0, 20, 0.22)');
  context.fillStyle = light;
  context.fillRect(0, 0, width, height);
  context.fillStyle = random.chance(0.5) ? 'rgba(255, 170, 60, 0.07)' : 'rgba(80, 140, 255, 0.07)';
  context.fillRect(0, 0, width, height);
  // No sensor noise: it would triple the PNG's size and encoding time for little realism.
  return canvas;
}
