import { createCanvas, Image, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { addNoise, type Box } from './draw';
import { createRandom, type Random } from './random';

/**
 * Quality warnings that ID-card OCR vendors return, in the simulator's spelling. Each one that
 * can be seen is drawn on the card image; invalid_validity lives in the dates alone.
 */
export const cardQualityWarnings = [
  'photocopy',
  'screen_reshoot',
  'edited',
  'temporary_card',
  'incomplete_border',
  'covered',
  'glare',
  'blur',
  'low_quality',
  'invalid_validity',
] as const;

/** One of cardQualityWarnings. */
export type CardQualityWarning = (typeof cardQualityWarnings)[number];

/**
 * The warnings to draw on one card image. Each warning draws from its own random source seeded
 * by the card, so the order of the codes, or adding another warning, does not move it.
 */
export interface CardWarningPlan {
  has(warning: CardQualityWarning): boolean;
  random(warning: CardQualityWarning): Random;
}

function isCardQualityWarning(code: string): code is CardQualityWarning {
  return (cardQualityWarnings as readonly string[]).includes(code);
}

/**
 * Keeps the codes this renderer knows. Others are ignored rather than refused: a vendor may
 * report a warning the images have no picture for, and the image should still be served.
 */
export function parseCardWarnings(codes: readonly string[], cardSeed: string): CardWarningPlan {
  const warnings = new Set(codes.filter(isCardQualityWarning));
  return {
    has: (warning) => warnings.has(warning),
    random: (warning) => createRandom(`${cardSeed}|${warning}`),
  };
}

/** A printed value that the "edited" warning pastes over and types again. */
export interface EditableField {
  /** Baseline start of the text as printed. */
  x: number;
  y: number;
  text: string;
  font: string;
  letterSpacing: string;
}

/** Where on one card side each content warning lands. */
export interface ContentTargets {
  editable: readonly EditableField[];
  coverable: readonly Box[];
  temporaryLabel: { x: number; y: number };
}

function drawEditedPatch(context: SKRSContext2D, field: EditableField, random: Random): void {
  context.save();
  context.font = field.font;
  context.letterSpacing = field.letterSpacing;
  const metrics = context.measureText(field.text);
  const ascent = metrics.actualBoundingBoxAscent;
  const patch = { x: field.x - 3, y: field.y - ascent - 8, width: metrics.width + 12, height: ascent + 18 };
  // A flat patch in nearly the card's colour: the security lines stop at its hard edge.
  context.fillStyle = random.pick(['#eef2ec', '#f3f3ee', '#e8eef2']);
  context.fillRect(patch.x, patch.y, patch.width, patch.height);
  context.strokeStyle = 'rgba(120, 120, 120, 0.25)';
  context.lineWidth = 1;
  context.strokeRect(patch.x + 0.5, patch.y + 0.5, patch.width - 1, patch.height - 1);
  // Typed again a little off: other weight, size and baseline.
  context.fillStyle = '#2b2b33';
  const size = Number(/(\d+)px/.exec(field.font)?.[1] ?? '30');
  context.font = field.font.replace(/bold /, '').replace(/\d+px/, `${size - 2}px`);
  context.fillText(field.text, field.x + random.between(1, 4), field.y + random.between(-3, 3));
  context.restore();
}

function drawFinger(context: SKRSContext2D, target: Box, random: Random): void {
  const tipX = target.x + target.width * random.between(0.35, 0.65);
  const tipY = target.y + target.height * 0.15;
  const angle = random.between(-0.35, 0.35);
  const width = 84;
  const length = 420;
  context.save();
  context.translate(tipX, tipY);
  context.rotate(angle);
  context.shadowColor = 'rgba(0, 0, 0, 0.35)';
  context.shadowBlur = 18;
  context.shadowOffsetX = 6;
  context.shadowOffsetY = 8;
  const skin = context.createLinearGradient(-width / 2, 0, width / 2, 0);
  skin.addColorStop(0, '#b9785d');
  skin.addColorStop(0.35, '#e2a98b');
  skin.addColorStop(0.65, '#dc9f82');
  skin.addColorStop(1, '#a86a50');
  context.fillStyle = skin;
  context.beginPath();
  context.roundRect(-width / 2, 0, width, length, [width / 2, width / 2, 8, 8]);
  context.fill();
  context.shadowColor = 'transparent';
  context.fillStyle = 'rgba(250, 215, 205, 0.9)';
  context.beginPath();
  context.roundRect(-width * 0.3, width * 0.12, width * 0.6, width * 0.62, [width * 0.28, width * 0.28, width * 0.12, width * 0.12]);
  context.fill();
  context.strokeStyle = 'rgba(150, 90, 70, 0.5)';
  context.lineWidth = 2;
  for (const crease of [1.45, 1.55, 2.6]) {
    context.beginPath();
    context.moveTo(-width * 0.3, width * crease);
    context.quadraticCurveTo(0, width * crease + 6, width * 0.3, width * crease);
    context.stroke();
  }
  context.restore();
}

function drawGlare(context: SKRSContext2D, width: number, height: number, random: Random): void {
  const centerX = width * random.between(0.2, 0.55);
  const centerY = height * random.between(0.3, 0.6);
  context.save();
  context.globalCompositeOperation = 'source-atop';
  context.translate(centerX, centerY);
  context.rotate(random.between(-0.5, 0.5));
  context.scale(1.8, 1);
  const glare = context.createRadialGradient(0, 0, 0, 0, 0, 120);
  glare.addColorStop(0, 'rgba(255, 255, 255, 0.97)');
  glare.addColorStop(0.45, 'rgba(255, 255, 255, 0.85)');
  glare.addColorStop(1, 'rgba(255, 255, 255, 0)');
  context.fillStyle = glare;
  context.beginPath();
  context.arc(0, 0, 120, 0, Math.PI * 2);
  context.fill();
  context.restore();
}

function drawTemporaryLabel(context: SKRSContext2D, family: string, position: { x: number; y: number }): void {
  context.save();
  context.font = `bold 30px "${family}"`;
  context.letterSpacing = '6px';
  context.textBaseline = 'top';
  const text = '临时身份证';
  const width = context.measureText(text).width;
  context.fillStyle = 'rgba(255, 246, 240, 0.92)';
  context.fillRect(position.x, position.y, width + 24, 48);
  context.strokeStyle = '#c81e1e';
  context.lineWidth = 3;
  context.strokeRect(position.x + 1.5, position.y + 1.5, width + 21, 45);
  context.fillStyle = '#c81e1e';
  context.fillText(text, position.x + 12, position.y + 6);
  context.restore();
}

/** Draws the warnings that change what is printed or held over the card, on the card itself. */
export function drawContentWarnings(context: SKRSContext2D, plan: CardWarningPlan, family: string, targets: ContentTargets): void {
  if (plan.has('temporary_card')) drawTemporaryLabel(context, family, targets.temporaryLabel);
  if (plan.has('edited')) {
    const random = plan.random('edited');
    drawEditedPatch(context, random.pick(targets.editable), random);
  }
  if (plan.has('glare')) drawGlare(context, context.canvas.width, context.canvas.height, plan.random('glare'));
  if (plan.has('covered')) {
    const random = plan.random('covered');
    drawFinger(context, random.pick(targets.coverable), random);
  }
}

/**
 * Lays the finished card into the output frame: as is, or, for incomplete_border, shifted and
 * turned on a desk so one edge of the card falls outside the photo.
 */
export function placeCard(card: Canvas, plan: CardWarningPlan): Canvas {
  const output = createCanvas(card.width, card.height);
  const context = output.getContext('2d');
  if (!plan.has('incomplete_border')) {
    context.drawImage(card, 0, 0);
    return output;
  }
  const random = plan.random('incomplete_border');
  const desk = context.createLinearGradient(0, 0, card.width, card.height);
  desk.addColorStop(0, '#6b5444');
  desk.addColorStop(1, '#4a392e');
  context.fillStyle = desk;
  context.fillRect(0, 0, card.width, card.height);
  const edge = random.pick(['right', 'bottom', 'left', 'top'] as const);
  const shiftX = edge === 'right' ? 110 : edge === 'left' ? -110 : random.between(-20, 20);
  const shiftY = edge === 'bottom' ? 90 : edge === 'top' ? -90 : random.between(-15, 15);
  context.save();
  context.translate(card.width / 2 + shiftX, card.height / 2 + shiftY);
  context.rotate(random.between(-0.04, 0.04));
  context.scale(0.97, 0.97);
  context.shadowColor = 'rgba(0, 0, 0, 0.45)';
  context.shadowBlur = 16;
  context.drawImage(card, -card.width / 2, -card.height / 2);
  context.restore();
  return output;
}

/** Replaces the canvas's pixels with themselves drawn through a CSS filter. */
function refilter(canvas: Canvas, filter: string): void {
  const copy = createCanvas(canvas.width, canvas.height);
  const copyContext = copy.getContext('2d');
  copyContext.filter = filter;
  copyContext.drawImage(canvas, 0, 0);
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(copy, 0, 0);
}

/**
 * Colour bands of a camera pointed at a screen. Drawn as the beat pattern itself (smooth, wavy,
 * magenta-green) rather than as the two fine grids that cause it, which looked the same at a
 * glance but tripled the PNG.
 */
function drawMoire(context: SKRSContext2D, width: number, height: number, random: Random): void {
  const image = context.getImageData(0, 0, width, height);
  const pixels = image.data;
  const angle = random.between(-0.5, 0.5);
  const cosine = Math.cos(angle);
  const sine = Math.sin(angle);
  const period = random.between(16, 24);
  const wobble = random.between(60, 120);
  const phaseShift = random.between(0, Math.PI * 2);
  const columnPhase = Float64Array.from({ length: width }, (_, x) => ((x * cosine) / period) * Math.PI * 2 + 3 * Math.sin(x / wobble + phaseShift));
  const rowPhase = Float64Array.from({ length: height }, (_, y) => ((y * sine) / period) * Math.PI * 2 + 2 * Math.sin(y / (wobble * 0.7)));
  for (let y = 0; y < height; y += 1) {
    const rowTerm = rowPhase[y] ?? 0;
    for (let x = 0; x < width; x += 1) {
      const index = (y * width + x) * 4;
      if (pixels[index + 3] === 0) continue;
      const phase = (columnPhase[x] ?? 0) + rowTerm;
      // Quantised to a few levels: flat bands compress far better than a per-pixel ramp.
      const wave = Math.round(Math.sin(phase) * 3) / 3;
      const second = Math.round(Math.sin(phase * 0.5 + 1.7) * 2) / 2;
      pixels[index] = (pixels[index] ?? 0) + 16 * wave - 6;
      pixels[index + 1] = (pixels[index + 1] ?? 0) - 14 * wave + 8 * second - 4;
      pixels[index + 2] = (pixels[index + 2] ?? 0) + 10 * second + 10;
    }
  }
  context.putImageData(image, 0, 0);
  context.save();
  context.globalCompositeOperation = 'source-atop';
  context.fillStyle = 'rgba(150, 190, 255, 0.12)';
  context.fillRect(0, 0, width, height);
  // The screen's own row structure, faintly.
  context.fillStyle = 'rgba(0, 0, 0, 0.05)';
  for (let row = 0; row < height; row += 4) context.fillRect(0, row, width, 1);
  context.restore();
}

function photocopy(canvas: Canvas, random: Random): void {
  refilter(canvas, 'grayscale(1) contrast(1.6) brightness(1.1)');
  const context = canvas.getContext('2d');
  context.save();
  context.globalCompositeOperation = 'destination-over';
  context.fillStyle = '#f1f0eb';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.restore();
  // Toner specks and a faint drum streak.
  context.fillStyle = 'rgba(30, 30, 30, 0.6)';
  for (let speck = 0; speck < 260; speck += 1) {
    context.fillRect(random.between(0, canvas.width), random.between(0, canvas.height), random.between(1, 3), random.between(1, 3));
  }
  context.fillStyle = 'rgba(60, 60, 60, 0.08)';
  context.fillRect(random.between(0, canvas.width - 30), 0, random.between(8, 30), canvas.height);
  addNoise(context, canvas.width, canvas.height, 4, random);
}

function lowQuality(canvas: Canvas): void {
  const factor = 2.6;
  const small = createCanvas(Math.round(canvas.width / factor), Math.round(canvas.height / factor));
  const smallContext = small.getContext('2d');
  smallContext.imageSmoothingQuality = 'low';
  smallContext.drawImage(canvas, 0, 0, small.width, small.height);
  const mask = createCanvas(canvas.width, canvas.height);
  mask.getContext('2d').drawImage(canvas, 0, 0);
  // A harsh JPEG round trip brings the block artefacts of a cheap camera or a re-sent thumbnail.
  const compressed = new Image();
  compressed.src = small.encodeSync('jpeg', 22);
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.imageSmoothingEnabled = true;
  context.drawImage(compressed, 0, 0, canvas.width, canvas.height);
  // JPEG has no alpha: cut the card's outline back out.
  context.save();
  context.globalCompositeOperation = 'destination-in';
  context.drawImage(mask, 0, 0);
  context.restore();
}

/** Applies the warnings that come from how the card was photographed or copied. */
export function applyCaptureWarnings(canvas: Canvas, plan: CardWarningPlan): void {
  const context = canvas.getContext('2d');
  if (plan.has('screen_reshoot')) drawMoire(context, canvas.width, canvas.height, plan.random('screen_reshoot'));
  if (plan.has('photocopy')) photocopy(canvas, plan.random('photocopy'));
  if (plan.has('low_quality')) lowQuality(canvas);
  if (plan.has('blur')) refilter(canvas, 'blur(3px)');
}
