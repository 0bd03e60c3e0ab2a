/**
 * The parts of a portrait (head, hair, clothes, eyes, brows, nose, mouth, glasses), each drawn from
 * the person's features and the head's geometry in the box; face.ts puts them together.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Box } from './draw';
import type { FaceFeatures } from './face-features';
import type { Random } from './random';

export interface Pose {
  angle: number;
  offsetX: number;
  offsetY: number;
  scale: number;
  /** Turns the inner features sideways, as a slightly turned head does. */
  yaw: number;
}

export const frontalPose: Pose = { angle: 0, offsetX: 0, offsetY: 0, scale: 1, yaw: 0 };

interface Geometry {
  centerX: number;
  centerY: number;
  halfWidth: number;
  length: number;
  top: number;
  bottom: number;
  eyeY: number;
  eyeDistance: number;
  eyeWidth: number;
  shift: number;
  noseY: number;
  mouthY: number;
  boxBottom: number;
  boxLeft: number;
  boxRight: number;
}

export function geometryFor(box: Box, features: FaceFeatures, pose: Pose): Geometry {
  const halfWidth = (features.faceWidth * box.width * pose.scale) / 2;
  const length = halfWidth * 2 * features.faceLength;
  const centerX = box.x + box.width / 2 + pose.offsetX * box.width;
  const centerY = box.y + box.height * 0.47 + pose.offsetY * box.height;
  const top = centerY - length / 2;
  const eyeY = top + features.eyeHeight * length;
  const noseY = eyeY + features.noseLength * length;
  return {
    centerX,
    centerY,
    halfWidth,
    length,
    top,
    bottom: centerY + length / 2,
    eyeY,
    eyeDistance: features.eyeSpacing * halfWidth,
    eyeWidth: features.eyeWidth * halfWidth * 2,
    shift: pose.yaw * halfWidth,
    noseY,
    mouthY: noseY + features.mouthGap * length,
    boxBottom: box.y + box.height,
    boxLeft: box.x,
    boxRight: box.x + box.width,
  };
}

export function hsl(hue: number, saturation: number, lightness: number, alpha = 1): string {
  const h = Math.round(((hue % 360) + 360) % 360);
  const s = Math.round(Math.min(100, Math.max(0, saturation)));
  const l = Math.round(Math.min(100, Math.max(0, lightness)));
  return alpha === 1 ? `hsl(${h}, ${s}%, ${l}%)` : `hsla(${h}, ${s}%, ${l}%, ${alpha})`;
}

export function headPath(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures): void {
  const { centerX, centerY, halfWidth, length, bottom } = geometry;
  const templeY = centerY - 0.05 * length;
  const jaw = halfWidth * features.jawWidth;
  const chin = halfWidth * (0.34 - 0.2 * features.chinPoint);
  context.beginPath();
  context.moveTo(centerX - halfWidth, templeY);
  context.ellipse(centerX, templeY, halfWidth, 0.45 * length, 0, Math.PI, Math.PI * 2);
  context.bezierCurveTo(centerX + halfWidth, centerY + 0.2 * length, centerX + jaw, centerY + 0.36 * length, centerX + chin, bottom - 0.03 * length);
  context.quadraticCurveTo(centerX, bottom + 0.012 * length, centerX - chin, bottom - 0.03 * length);
  context.bezierCurveTo(centerX - jaw, centerY + 0.36 * length, centerX - halfWidth, centerY + 0.2 * length, centerX - halfWidth, templeY);
  context.closePath();
}

/** Builds the path of the hair mass over the top of the head, down to the hairline. */
function hairCapPath(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures, hairline: { y: number; straight: boolean }): void {
  const { centerX, centerY, halfWidth, length, eyeY } = geometry;
  const thickness = length * (0.04 + 0.08 * features.hairVolume);
  const ellipseY = centerY - 0.05 * length;
  const radiusX = halfWidth + thickness * 0.8;
  const radiusY = 0.45 * length + thickness;
  const sideY = eyeY - 0.06 * length;
  context.beginPath();
  context.moveTo(centerX - halfWidth * 0.97, sideY);
  context.lineTo(centerX - radiusX, ellipseY);
  context.ellipse(centerX, ellipseY, radiusX, radiusY, 0, Math.PI, Math.PI * 2);
  context.lineTo(centerX + halfWidth * 0.97, sideY);
  context.lineTo(centerX + halfWidth * 0.86, sideY);
  if (hairline.straight) {
    context.quadraticCurveTo(centerX + halfWidth * 0.9, hairline.y, centerX + halfWidth * 0.55, hairline.y);
    context.lineTo(centerX - halfWidth * 0.55, hairline.y);
    context.quadraticCurveTo(centerX - halfWidth * 0.9, hairline.y, centerX - halfWidth * 0.86, sideY);
  } else {
    // A swept fringe: highest at the parting, falling lower toward the far temple.
    const side = features.hairPart >= 0 ? 1 : -1;
    const partX = centerX + side * halfWidth * (0.2 + 0.3 * Math.abs(features.hairPart)) + geometry.shift * 0.5;
    const partY = hairline.y - 0.03 * length;
    const nearX = centerX + side * halfWidth * 0.86;
    const farX = centerX - side * halfWidth * 0.86;
    const nearControl1 = { x: nearX - side * halfWidth * 0.04, y: hairline.y };
    const nearControl2 = { x: partX + side * halfWidth * 0.15, y: partY };
    const farControl1 = { x: partX - side * halfWidth * 0.4, y: partY };
    const farControl2 = { x: farX + side * halfWidth * 0.1, y: hairline.y + 0.12 * length };
    if (side > 0) {
      context.bezierCurveTo(nearControl1.x, nearControl1.y, nearControl2.x, nearControl2.y, partX, partY);
      context.bezierCurveTo(farControl1.x, farControl1.y, farControl2.x, farControl2.y, farX, sideY);
    } else {
      context.bezierCurveTo(farControl2.x, farControl2.y, farControl1.x, farControl1.y, partX, partY);
      context.bezierCurveTo(nearControl2.x, nearControl2.y, nearControl1.x, nearControl1.y, nearX, sideY);
    }
  }
  context.closePath();
}

export function drawBackHair(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures, color: string): void {
  const { centerX, centerY, halfWidth, length, top } = geometry;
  context.fillStyle = color;
  if (features.hairStyle === 'long' || features.hairStyle === 'bob') {
    const reach = features.hairStyle === 'long' ? geometry.boxBottom + 10 : centerY + 0.32 * length;
    const spread = halfWidth * (features.hairStyle === 'long' ? 1.32 : 1.22) * (1 + 0.08 * features.hairVolume);
    context.beginPath();
    context.moveTo(centerX - spread, reach);
    context.bezierCurveTo(centerX - spread * 1.05, centerY, centerX - spread, top - 0.08 * length, centerX, top - 0.1 * length);
    context.bezierCurveTo(centerX + spread, top - 0.08 * length, centerX + spread * 1.05, centerY, centerX + spread, reach);
    if (features.hairStyle === 'bob') context.quadraticCurveTo(centerX, reach + 0.12 * length, centerX - spread, reach);
    context.closePath();
    context.fill();
  } else if (features.hairStyle === 'bun') {
    context.beginPath();
    context.arc(centerX + geometry.shift * 0.3, top - 0.07 * length, 0.17 * length, 0, Math.PI * 2);
    context.fill();
  }
}

/** Builds the path of the hair in front of the head for the person's style. */
function frontHairPath(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures, random: Random): void {
  const { top, length, eyeY } = geometry;
  const hairlineY = top + features.hairlineHeight * length;
  switch (features.hairStyle) {
    case 'bangs':
      hairCapPath(context, geometry, features, { y: eyeY - (features.browGap + 0.07) * length, straight: true });
      break;
    case 'buzz':
      hairCapPath(context, geometry, { ...features, hairVolume: 0 }, { y: hairlineY, straight: true });
      break;
    case 'bun':
      hairCapPath(context, geometry, { ...features, hairVolume: 0.1 }, { y: hairlineY, straight: false });
      break;
    case 'curly': {
      hairCapPath(context, geometry, features, { y: hairlineY + 0.02 * length, straight: true });
      // Curls: small discs along the outline, placed by the person's own random source.
      const radiusX = geometry.halfWidth * 1.1;
      const radiusY = 0.5 * length;
      for (let step = 0; step <= 16; step += 1) {
        const angle = Math.PI + (Math.PI * step) / 16;
        const x = geometry.centerX + Math.cos(angle) * radiusX;
        const y = geometry.centerY - 0.05 * length + Math.sin(angle) * radiusY;
        const radius = length * random.between(0.05, 0.075);
        context.moveTo(x + radius, y);
        context.arc(x, y, radius, 0, Math.PI * 2);
      }
      break;
    }
    case 'crew':
    case 'sidePart':
    case 'bob':
    case 'long':
      hairCapPath(context, geometry, features, { y: hairlineY, straight: features.hairStyle === 'crew' });
      break;
    default: {
      const unreachable: never = features.hairStyle;
      throw new Error(`unknown hair style ${String(unreachable)}`);
    }
  }
}

export function drawFrontHair(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures, random: Random): void {
  const { top, length } = geometry;
  context.save();
  context.fillStyle = hsl(features.hairHue, features.hairSaturation, features.hairLightness);
  if (features.hairStyle === 'buzz') context.globalAlpha = 0.85;
  frontHairPath(context, geometry, features, random);
  context.fill();
  context.clip();
  // Strands and a sheen give the mass some texture.
  const sheen = context.createRadialGradient(geometry.centerX - geometry.halfWidth * 0.3, top, 0, geometry.centerX - geometry.halfWidth * 0.3, top, geometry.halfWidth);
  sheen.addColorStop(0, 'rgba(255, 255, 255, 0.12)');
  sheen.addColorStop(1, 'rgba(255, 255, 255, 0)');
  context.fillStyle = sheen;
  context.fillRect(geometry.boxLeft, top - length * 0.3, geometry.boxRight - geometry.boxLeft, length);
  context.strokeStyle = hsl(features.hairHue, features.hairSaturation, features.hairLightness + 12, 0.4);
  context.lineWidth = Math.max(1, length * 0.006);
  for (let strand = 0; strand < 11; strand += 1) {
    const x = geometry.centerX + (strand - 5) * geometry.halfWidth * 0.2;
    context.beginPath();
    context.moveTo(x, top - 0.15 * length);
    context.quadraticCurveTo(x + geometry.halfWidth * 0.2 * features.hairPart, top + 0.05 * length, x + geometry.halfWidth * 0.15 * features.hairPart, top + 0.3 * length);
    context.stroke();
  }
  context.restore();
}

export function drawClothes(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures, skin: string, skinShadow: string): void {
  const { centerX, halfWidth, length, bottom, boxBottom } = geometry;
  const neckHalf = halfWidth * 0.42;
  // Neck in the jaw's shadow at the top, lighter lower down.
  const neck = context.createLinearGradient(0, bottom - 0.1 * length, 0, bottom + 0.25 * length);
  neck.addColorStop(0, skinShadow);
  neck.addColorStop(1, skin);
  context.fillStyle = neck;
  context.fillRect(centerX - neckHalf, bottom - 0.2 * length, neckHalf * 2, boxBottom - bottom + 0.2 * length);

  const shoulderY = bottom + 0.2 * length;
  const spread = halfWidth * 2.9;
  const neckline = features.clothing === 'vee' ? 0.26 : features.clothing === 'shirt' ? 0.16 : 0.1;
  context.fillStyle = hsl(features.clothesHue, features.clothesSaturation, features.clothesLightness);
  context.beginPath();
  context.moveTo(centerX - spread, boxBottom + 5);
  context.bezierCurveTo(centerX - spread, shoulderY + 0.1 * length, centerX - halfWidth * 1.4, shoulderY - 0.04 * length, centerX - neckHalf * 1.15, shoulderY - 0.08 * length);
  if (features.clothing === 'round') context.quadraticCurveTo(centerX, shoulderY + neckline * length * 2, centerX + neckHalf * 1.15, shoulderY - 0.08 * length);
  else {
    context.lineTo(centerX, shoulderY + neckline * length);
    context.lineTo(centerX + neckHalf * 1.15, shoulderY - 0.08 * length);
  }
  context.bezierCurveTo(centerX + halfWidth * 1.4, shoulderY - 0.04 * length, centerX + spread, shoulderY + 0.1 * length, centerX + spread, boxBottom + 5);
  context.closePath();
  context.fill();
  if (features.clothing === 'shirt') {
    context.fillStyle = '#f4f4f0';
    context.strokeStyle = 'rgba(0, 0, 0, 0.25)';
    context.lineWidth = 1;
    for (const side of [-1, 1]) {
      context.beginPath();
      context.moveTo(centerX + side * neckHalf * 1.2, shoulderY - 0.09 * length);
      context.lineTo(centerX + side * neckHalf * 0.1, shoulderY + neckline * length + 0.01 * length);
      context.lineTo(centerX + side * neckHalf * 1.7, shoulderY + 0.06 * length);
      context.closePath();
      context.fill();
      context.stroke();
    }
  }
}

export function drawEye(context: SKRSContext2D, x: number, y: number, width: number, features: FaceFeatures, side: number, gaze: number, lidColor: string, creaseColor: string): void {
  const height = width * features.eyeOpenness;
  context.save();
  context.translate(x, y);
  context.rotate(-side * features.eyeTilt);
  const almond = (): void => {
    context.beginPath();
    context.moveTo(-width / 2, 0);
    context.quadraticCurveTo(side * width * 0.08, -height * 1.25, width / 2, 0);
    context.quadraticCurveTo(side * width * 0.04, height * 0.95, -width / 2, 0);
    context.closePath();
  };
  almond();
  context.fillStyle = '#f2eee8';
  context.fill();
  context.save();
  almond();
  context.clip();
  const irisRadius = height * 0.78;
  context.fillStyle = hsl(25, 45, features.irisLightness);
  context.beginPath();
  context.arc(gaze * width * 0.08, -height * 0.08, irisRadius, 0, Math.PI * 2);
  context.fill();
  context.fillStyle = '#0b0705';
  context.beginPath();
  context.arc(gaze * width * 0.08, -height * 0.08, irisRadius * 0.45, 0, Math.PI * 2);
  context.fill();
  context.fillStyle = 'rgba(255, 255, 255, 0.85)';
  context.beginPath();
  context.arc(gaze * width * 0.08 + irisRadius * 0.3, -height * 0.08 - irisRadius * 0.3, Math.max(1, irisRadius * 0.18), 0, Math.PI * 2);
  context.fill();
  context.restore();
  // Upper lid with lashes, lighter lower lid.
  context.strokeStyle = lidColor;
  context.lineCap = 'round';
  context.lineWidth = Math.max(1.5, width * 0.075);
  context.beginPath();
  context.moveTo(-width / 2, 0);
  context.quadraticCurveTo(side * width * 0.08, -height * 1.25, width / 2, 0);
  context.stroke();
  context.lineWidth = Math.max(0.8, width * 0.025);
  context.globalAlpha = 0.5;
  context.beginPath();
  context.moveTo(-width / 2, 0);
  context.quadraticCurveTo(side * width * 0.04, height * 0.95, width / 2, 0);
  context.stroke();
  context.globalAlpha = 1;
  if (features.doubleEyelid) {
    context.strokeStyle = creaseColor;
    context.lineWidth = Math.max(1, width * 0.03);
    context.beginPath();
    context.moveTo(-width * 0.4, -height * 0.45);
    context.quadraticCurveTo(side * width * 0.08, -height * 1.75, width * 0.48, -height * 0.3);
    context.stroke();
  }
  context.restore();
}

export function drawBrow(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures, side: number, color: string): void {
  const { length, eyeWidth } = geometry;
  const centerX = geometry.centerX + geometry.shift + side * geometry.eyeDistance;
  const baseY = geometry.eyeY - features.browGap * length;
  const innerX = centerX - side * eyeWidth * 0.55;
  const outerX = centerX + side * eyeWidth * 0.6 * features.browLength;
  const innerY = baseY + features.browTilt * eyeWidth * 0.3;
  const outerY = baseY - features.browTilt * eyeWidth * 0.2 + eyeWidth * 0.05;
  const middleX = (innerX + outerX) / 2 + side * eyeWidth * 0.1;
  const archY = baseY - features.browArch * length - eyeWidth * 0.08;
  const thickness = features.browThickness * length;
  context.fillStyle = color;
  context.beginPath();
  context.moveTo(innerX, innerY - thickness / 2);
  context.quadraticCurveTo(middleX, archY - thickness / 2, outerX, outerY - thickness * 0.1);
  context.quadraticCurveTo(middleX, archY + thickness * 0.6, innerX, innerY + thickness / 2);
  context.closePath();
  context.fill();
}

export function drawNose(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures, shadow: string): void {
  const width = features.noseWidth * geometry.halfWidth * 2;
  const x = geometry.centerX + geometry.shift * 1.25;
  const y = geometry.noseY;
  context.strokeStyle = shadow;
  context.lineCap = 'round';
  context.lineWidth = Math.max(1.2, width * 0.05);
  context.beginPath();
  context.moveTo(x - width * 0.5, y - width * 0.15);
  context.quadraticCurveTo(x - width * 0.6, y + width * 0.2, x - width * 0.18, y + width * 0.16);
  context.quadraticCurveTo(x, y + width * 0.28, x + width * 0.18, y + width * 0.16);
  context.quadraticCurveTo(x + width * 0.6, y + width * 0.2, x + width * 0.5, y - width * 0.15);
  context.stroke();
  context.fillStyle = shadow;
  for (const side of [-1, 1]) {
    context.beginPath();
    context.ellipse(x + side * width * 0.22, y + width * 0.08, width * 0.11, width * 0.06, side * 0.3, 0, Math.PI * 2);
    context.fill();
  }
  // The bridge: a soft shadow down one side.
  context.globalAlpha = 0.35;
  context.lineWidth = Math.max(1, width * 0.04);
  context.beginPath();
  context.moveTo(x - width * 0.2, geometry.eyeY);
  context.quadraticCurveTo(x - width * 0.3, (geometry.eyeY + y) / 2, x - width * 0.42, y - width * 0.2);
  context.stroke();
  context.globalAlpha = 1;
}

export function drawMouth(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures, lip: string, line: string): void {
  const width = features.mouthWidth * geometry.halfWidth * 2;
  const thickness = features.lipThickness * geometry.length;
  const x = geometry.centerX + geometry.shift * 1.1;
  const y = geometry.mouthY;
  const corner = -features.smile * thickness * 0.7;
  context.fillStyle = lip;
  context.beginPath();
  context.moveTo(x - width / 2, y + corner);
  context.quadraticCurveTo(x - width / 4, y - thickness * 1.2, x, y - thickness * 0.7);
  context.quadraticCurveTo(x + width / 4, y - thickness * 1.2, x + width / 2, y + corner);
  context.quadraticCurveTo(x, y + thickness * 2.1, x - width / 2, y + corner);
  context.closePath();
  context.fill();
  context.strokeStyle = line;
  context.lineCap = 'round';
  context.lineWidth = Math.max(1.2, thickness * 0.25);
  context.beginPath();
  context.moveTo(x - width / 2, y + corner);
  context.quadraticCurveTo(x, y + thickness * 0.35 + features.smile * thickness * 0.5, x + width / 2, y + corner);
  context.stroke();
}

export function drawGlasses(context: SKRSContext2D, geometry: Geometry, features: FaceFeatures): void {
  if (features.glasses === 'none') return;
  const frame = hsl(features.glassesHue, 25, features.glassesLightness);
  const radius = geometry.eyeWidth * 0.72;
  context.strokeStyle = frame;
  context.lineWidth = Math.max(2, geometry.length * 0.012);
  const centers = [-1, 1].map((side) => geometry.centerX + geometry.shift + side * geometry.eyeDistance);
  for (const lensX of centers) {
    context.beginPath();
    if (features.glasses === 'round') context.arc(lensX, geometry.eyeY, radius, 0, Math.PI * 2);
    else context.roundRect(lensX - radius * 1.1, geometry.eyeY - radius * 0.75, radius * 2.2, radius * 1.5, radius * 0.3);
    context.fillStyle = 'rgba(220, 235, 255, 0.12)';
    context.fill();
    context.stroke();
  }
  const [leftX, rightX] = centers as [number, number];
  const inner = features.glasses === 'round' ? radius : radius * 1.1;
  context.beginPath();
  context.moveTo(leftX + inner, geometry.eyeY - radius * 0.2);
  context.quadraticCurveTo((leftX + rightX) / 2, geometry.eyeY - radius * 0.5, rightX - inner, geometry.eyeY - radius * 0.2);
  context.moveTo(leftX - inner, geometry.eyeY - radius * 0.2);
  context.lineTo(geometry.centerX - geometry.halfWidth * 0.98, geometry.eyeY - radius * 0.1);
  context.moveTo(rightX + inner, geometry.eyeY - radius * 0.2);
  context.lineTo(geometry.centerX + geometry.halfWidth * 0.98, geometry.eyeY - radius * 0.1);
  context.stroke();
}
