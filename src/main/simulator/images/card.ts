import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { encodeCanvas, type Box, type RenderOptions } from './draw';
import { drawPortrait } from './face';
import { personFeatures } from './face-features';
import { registerCjkFont } from './font';
import { createRandom, type Random } from './random';
import { applyCaptureWarnings, drawContentWarnings, parseCardWarnings, placeCard, type CardWarningPlan } from './warnings';

/** Pixel size of both card sides: 85.6 x 54 mm (ISO/IEC 7810 ID-1) at 10 px per mm. */
export const idCardImageSize = { width: 856, height: 540 } as const;

/** ID-1 corner radius, 3.18 mm. */
const cornerRadius = 32;
const labelColor = '#1f5a9c';
const valueColor = '#141414';

/** Input of renderIdCardFront: the fields printed on the portrait side of the card. */
export interface IdCardFrontInput {
  name: string;
  sex: 'male' | 'female';
  ethnicity: string;
  /** YYYY-MM-DD */
  birthDate: string;
  address: string;
  idNumber: string;
  /** Quality warnings to show (see cardQualityWarnings); codes it does not know are ignored. */
  warnings: readonly string[];
  /** Whose portrait to print; pass the same seed (and sex) as renderFace's to make the photos match. Defaults to idNumber. */
  personSeed?: string;
}

/** Input of renderIdCardBack: the national-emblem side. */
export interface IdCardBackInput {
  authority: string;
  /** YYYY-MM-DD */
  validFrom: string;
  /** YYYY-MM-DD, or 'long-term' for 长期. */
  validTo: string;
  warnings: readonly string[];
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function dateParts(value: string, field: string): [string, string, string] {
  const match = datePattern.exec(value);
  if (match === null) throw new RangeError(`${field} must be YYYY-MM-DD, got "${value}"`);
  return [match[1] ?? '', match[2] ?? '', match[3] ?? ''];
}

/** 2015.03.01-2035.03.01, or 2015.03.01-长期; the dates are printed as given, even impossible ones. */
function validityText(validFrom: string, validTo: string): string {
  const from = dateParts(validFrom, 'validFrom').join('.');
  const to = validTo === 'long-term' ? '长期' : dateParts(validTo, 'validTo').join('.');
  return `${from}-${to}`;
}

function font(family: string, size: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${size}px "${family}"`;
}

/** Shrinks the font until the text fits the width, down to a floor, and draws it. */
function drawFitted(context: SKRSContext2D, text: string, x: number, y: number, maxWidth: number, family: string, size: number, bold = false): void {
  let current = size;
  context.font = font(family, current, bold);
  while (current > 14 && context.measureText(text).width > maxWidth) {
    current -= 1;
    context.font = font(family, current, bold);
  }
  context.fillText(text, x, y);
}

/** Breaks text into lines no wider than maxWidth, character by character (Chinese has no spaces). */
function wrapLines(context: SKRSContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const character of Array.from(text)) {
    if (line !== '' && context.measureText(line + character).width > maxWidth) {
      lines.push(line);
      line = character;
    } else {
      line += character;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function roundedCardPath(context: SKRSContext2D): void {
  context.beginPath();
  context.roundRect(0, 0, idCardImageSize.width, idCardImageSize.height, cornerRadius);
}

/** Pale base colour, the fine wavy security lines of the real card, and its border. */
function drawCardBase(context: SKRSContext2D, random: Random, side: 'front' | 'back'): void {
  const { width, height } = idCardImageSize;
  // Flat, not a gradient: Skia dithers gradients, and that noise doubles the PNG's size and time.
  context.fillStyle = side === 'front' ? '#eef2ee' : '#eff1ec';
  context.fillRect(0, 0, width, height);
  const phase = random.between(0, Math.PI * 2);
  context.lineWidth = 1;
  for (let line = 0; line < 32; line += 1) {
    context.strokeStyle = line % 3 === 0 ? 'rgba(214, 150, 150, 0.22)' : 'rgba(120, 160, 200, 0.2)';
    context.beginPath();
    const baseY = line * 18 - 10;
    for (let x = 0; x <= width; x += 8) {
      const y = baseY + Math.sin(x / 38 + phase + line * 0.35) * 7 + Math.sin(x / 113 + line) * 5;
      if (x === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    }
    context.stroke();
  }
  // A faint rosette, as in the printed background of the real card.
  const centerX = side === 'front' ? width * 0.36 : width * 0.5;
  const centerY = side === 'front' ? height * 0.45 : height * 0.62;
  context.strokeStyle = 'rgba(200, 170, 120, 0.18)';
  for (let ring = 0; ring < 10; ring += 1) {
    context.beginPath();
    for (let step = 0; step <= 180; step += 1) {
      const angle = (step / 180) * Math.PI * 2;
      const radius = 40 + ring * 12 + Math.sin(angle * 12 + ring) * 4;
      const x = centerX + Math.cos(angle) * radius * 1.6;
      const y = centerY + Math.sin(angle) * radius;
      if (step === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    }
    context.stroke();
  }
}

function drawSampleMark(context: SKRSContext2D, family: string): void {
  const { width, height } = idCardImageSize;
  context.save();
  context.translate(width * 0.47, height * 0.52);
  context.rotate(-0.2);
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.font = font(family, 104, true);
  context.fillStyle = 'rgba(210, 30, 30, 0.13)';
  context.fillText('样本 SAMPLE', 0, 0);
  context.restore();
  // A small stamp that stays legible even where the big mark is faint.
  context.save();
  context.font = font(family, 20, true);
  context.textBaseline = 'middle';
  const text = '样本 SAMPLE 非真实证件';
  const textWidth = context.measureText(text).width;
  const x = width - textWidth - 46;
  context.strokeStyle = 'rgba(200, 20, 20, 0.8)';
  context.lineWidth = 2;
  context.strokeRect(x - 8, 14, textWidth + 16, 32);
  context.fillStyle = 'rgba(200, 20, 20, 0.85)';
  context.fillText(text, x, 31);
  context.restore();
}

function finishCard(card: Canvas, plan: CardWarningPlan, options: RenderOptions | undefined): Promise<Buffer> {
  const output = placeCard(card, plan);
  applyCaptureWarnings(output, plan);
  return encodeCanvas(output, options);
}

function newCard(): { canvas: Canvas; context: SKRSContext2D; family: string } {
  const family = registerCjkFont();
  const canvas = createCanvas(idCardImageSize.width, idCardImageSize.height);
  const context = canvas.getContext('2d');
  context.lang = 'zh-CN';
  roundedCardPath(context);
  context.clip();
  return { canvas, context, family };
}

/** Where each field sits on the front, so warnings can cover or patch a real field. */
const frontLayout = {
  labelX: 62,
  valueX: 160,
  nameY: 112,
  sexY: 178,
  birthY: 244,
  addressY: 310,
  addressLineHeight: 40,
  addressWidth: 370,
  numberY: 478,
  numberX: 296,
  portrait: { x: 556, y: 62, width: 262, height: 330 } satisfies Box,
};

/**
 * Renders the portrait side of a (clearly fake, marked 样本 SAMPLE) second-generation resident ID
 * card as an 856 x 540 PNG with transparent rounded corners. Deterministic: the same input gives
 * the same bytes. Quality warnings in input.warnings are drawn where they apply.
 */
export async function renderIdCardFront(input: IdCardFrontInput, options?: RenderOptions): Promise<Buffer> {
  const [year, month, day] = dateParts(input.birthDate, 'birthDate');
  // Seeded by the printed fields only, so a warning changes nothing but its own effect.
  const seed = `front|${JSON.stringify({ ...input, warnings: undefined })}`;
  const plan = parseCardWarnings(input.warnings, seed);
  const random = createRandom(seed);
  const { canvas, context, family } = newCard();
  const layout = frontLayout;
  drawCardBase(context, random, 'front');

  const portraitSeed = input.personSeed ?? input.idNumber;
  drawPortrait(context, layout.portrait, personFeatures(portraitSeed, input.sex), { angle: 0, offsetX: 0, offsetY: 0.02, scale: 1.05, yaw: 0 }, portraitSeed);

  context.textBaseline = 'alphabetic';
  const label = (text: string, x: number, y: number): void => {
    context.font = font(family, 24);
    context.fillStyle = labelColor;
    context.letterSpacing = '6px';
    context.fillText(text, x, y);
    context.letterSpacing = '0px';
  };
  const value = (text: string, x: number, y: number, maxWidth: number, size = 30): void => {
    context.fillStyle = valueColor;
    drawFitted(context, text, x, y, maxWidth, family, size);
  };
  label('姓名', layout.labelX, layout.nameY);
  value(input.name, layout.valueX, layout.nameY, 370, 32);
  const nameFont = context.font;
  label('性别', layout.labelX, layout.sexY);
  value(input.sex === 'male' ? '男' : '女', layout.valueX, layout.sexY, 60);
  label('民族', 282, layout.sexY);
  value(input.ethnicity, 380, layout.sexY, 160);
  label('出生', layout.labelX, layout.birthY);
  // Year, month and day in the value colour; 年 月 日 in the label colour, as printed.
  let cursor = layout.valueX;
  for (const [number, unit] of [[year, '年'], [String(Number(month)), '月'], [String(Number(day)), '日']] as const) {
    context.font = font(family, 30);
    context.fillStyle = valueColor;
    context.fillText(number, cursor, layout.birthY);
    cursor += context.measureText(number).width + 8;
    context.font = font(family, 24);
    context.fillStyle = labelColor;
    context.fillText(unit, cursor, layout.birthY);
    cursor += context.measureText(unit).width + 14;
  }
  label('住址', layout.labelX, layout.addressY);
  context.fillStyle = valueColor;
  let addressSize = 30;
  context.font = font(family, addressSize);
  let lines = wrapLines(context, input.address, layout.addressWidth);
  while (lines.length > 3 && addressSize > 22) {
    addressSize -= 2;
    context.font = font(family, addressSize);
    lines = wrapLines(context, input.address, layout.addressWidth);
  }
  const lineHeight = layout.addressLineHeight * (addressSize / 30);
  if (lines.length > 4) lines = [...lines.slice(0, 3), `${(lines[3] ?? '').slice(0, -1)}…`];
  lines.forEach((line, index) => context.fillText(line, layout.valueX, layout.addressY + index * lineHeight));

  label('公民身份号码', layout.labelX, layout.numberY);
  context.fillStyle = valueColor;
  context.letterSpacing = '4px';
  drawFitted(context, input.idNumber, layout.numberX, layout.numberY + 2, 500, family, 38, true);
  context.letterSpacing = '0px';

  drawSampleMark(context, family);
  // The edited patch retypes either the name or the number's birth-date-and-sequence tail.
  context.font = font(family, 38, true);
  context.letterSpacing = '4px';
  const numberHead = input.idNumber.slice(0, 6);
  const numberTailX = layout.numberX + context.measureText(numberHead).width;
  context.letterSpacing = '0px';
  drawContentWarnings(context, plan, family, {
    editable: [
      { x: layout.valueX, y: layout.nameY, text: input.name, font: nameFont, letterSpacing: '0px' },
      { x: numberTailX, y: layout.numberY + 2, text: input.idNumber.slice(6), font: font(family, 38, true), letterSpacing: '4px' },
    ],
    coverable: [
      { x: layout.numberX + 120, y: layout.numberY - 40, width: 200, height: 60 },
      { x: layout.valueX + 40, y: layout.addressY - 30, width: 200, height: 100 },
    ],
    temporaryLabel: { x: 300, y: 20 },
  });
  return finishCard(canvas, plan, options);
}

function drawEmblem(context: SKRSContext2D, centerX: number, centerY: number, radius: number): void {
  const gold = '#e8b520';
  const red = '#c8201e';
  // Cogwheel rim.
  context.fillStyle = gold;
  context.beginPath();
  for (let tooth = 0; tooth < 48; tooth += 1) {
    const angle = (tooth / 48) * Math.PI * 2;
    const outer = tooth % 2 === 0 ? radius : radius * 0.93;
    context.lineTo(centerX + Math.cos(angle) * outer, centerY + Math.sin(angle) * outer);
  }
  context.closePath();
  context.fill();
  context.fillStyle = red;
  context.beginPath();
  context.arc(centerX, centerY, radius * 0.84, 0, Math.PI * 2);
  context.fill();
  const star = (x: number, y: number, size: number, rotation: number): void => {
    context.beginPath();
    for (let point = 0; point < 10; point += 1) {
      const angle = rotation - Math.PI / 2 + (point * Math.PI) / 5;
      const length = point % 2 === 0 ? size : size * 0.38;
      context.lineTo(x + Math.cos(angle) * length, y + Math.sin(angle) * length);
    }
    context.closePath();
    context.fill();
  };
  context.fillStyle = gold;
  star(centerX, centerY - radius * 0.38, radius * 0.24, 0);
  for (const [offsetX, offsetY] of [[-0.42, -0.52], [-0.22, -0.64], [0.22, -0.64], [0.42, -0.52]] as const) {
    star(centerX + offsetX * radius, centerY + offsetY * radius * 0.75, radius * 0.08, offsetX * 1.2);
  }
  // A gate silhouette in gold below the stars.
  context.fillRect(centerX - radius * 0.5, centerY + radius * 0.02, radius, radius * 0.08);
  context.fillRect(centerX - radius * 0.42, centerY + radius * 0.1, radius * 0.84, radius * 0.28);
  context.fillStyle = red;
  for (let door = -2; door <= 2; door += 1) {
    context.beginPath();
    context.roundRect(centerX + door * radius * 0.16 - radius * 0.04, centerY + radius * 0.2, radius * 0.08, radius * 0.18, [radius * 0.04, radius * 0.04, 0, 0]);
    context.fill();
  }
  context.fillStyle = gold;
  context.fillRect(centerX - radius * 0.6, centerY + radius * 0.44, radius * 1.2, radius * 0.06);
}

/**
 * Renders the national-emblem side of the sample ID card (中华人民共和国 居民身份证, 签发机关,
 * 有效期限) as an 856 x 540 PNG. Deterministic like renderIdCardFront.
 */
export async function renderIdCardBack(input: IdCardBackInput, options?: RenderOptions): Promise<Buffer> {
  const validity = validityText(input.validFrom, input.validTo);
  const seed = `back|${JSON.stringify({ ...input, warnings: undefined })}`;
  const plan = parseCardWarnings(input.warnings, seed);
  const random = createRandom(seed);
  const { canvas, context, family } = newCard();
  drawCardBase(context, random, 'back');
  drawEmblem(context, 150, 150, 92);

  context.fillStyle = valueColor;
  context.textBaseline = 'alphabetic';
  context.font = font(family, 38, true);
  context.letterSpacing = '12px';
  context.fillText('中华人民共和国', 300, 120);
  context.font = font(family, 68, true);
  context.letterSpacing = '22px';
  context.fillText('居民身份证', 290, 230);
  context.letterSpacing = '0px';

  const labelX = 150;
  const valueX = 310;
  const authorityY = 420;
  const validityY = 484;
  context.font = font(family, 26);
  context.fillStyle = labelColor;
  context.letterSpacing = '4px';
  context.fillText('签发机关', labelX, authorityY);
  context.fillText('有效期限', labelX, validityY);
  context.letterSpacing = '0px';
  context.fillStyle = valueColor;
  drawFitted(context, input.authority, valueX, authorityY, 500, family, 30);
  drawFitted(context, validity, valueX, validityY, 500, family, 30);

  drawSampleMark(context, family);
  context.font = font(family, 30);
  const validityHead = validity.slice(0, validity.indexOf('-') + 1);
  drawContentWarnings(context, plan, family, {
    editable: [{ x: valueX + context.measureText(validityHead).width, y: validityY, text: validity.slice(validityHead.length), font: font(family, 30), letterSpacing: '0px' }],
    coverable: [
      { x: valueX + 60, y: validityY - 40, width: 200, height: 60 },
      { x: valueX + 20, y: authorityY - 40, width: 200, height: 60 },
    ],
    temporaryLabel: { x: 560, y: 280 },
  });
  return finishCard(canvas, plan, options);
}
