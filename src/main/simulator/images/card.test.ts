import { describe, expect, it } from 'vitest';
import { idCardImageSize, renderIdCardBack, renderIdCardFront, type IdCardBackInput, type IdCardFrontInput } from './card';
import { countDarkPixels, decodeImage, meanDifference, pngSize } from '../../../../test/support/image-testing';
import { ocrQualityWarnings } from '../../../shared/domain/ocr';
import { cardQualityWarnings } from './warnings';

const front: IdCardFrontInput = {
  name: '张晓明',
  sex: 'male',
  ethnicity: '汉',
  birthDate: '1990-03-07',
  address: '北京市东城区景山前街4号院2号楼3单元501室',
  idNumber: '110101199003078670',
  warnings: [],
};

const back: IdCardBackInput = { authority: '北京市公安局东城分局', validFrom: '2015-03-01', validTo: '2035-03-01', warnings: [] };

/** The printed name sits right of the 姓名 label, baseline at y 112. */
const nameArea = { x: 160, y: 78, width: 220, height: 44 };
/** The printed validity period on the back, baseline at y 484. */
const validityArea = { x: 310, y: 450, width: 330, height: 44 };
/** The citizen ID number, baseline at y 480. */
const numberArea = { x: 296, y: 440, width: 480, height: 50 };

describe('renderIdCardFront', () => {
  it('is an 856 x 540 PNG with transparent rounded corners', async () => {
    const png = await renderIdCardFront(front);
    expect(pngSize(png)).toEqual({ width: 856, height: 540 });
    const image = await decodeImage(png);
    expect(image.width).toBe(idCardImageSize.width);
    expect(image.data[3]).toBe(0); // top-left corner pixel lies outside the rounded card
    expect(image.data[(270 * 856 + 428) * 4 + 3]).toBe(255);
  });

  it('gives byte-identical output for the same input', async () => {
    const everything = { ...front, warnings: [...cardQualityWarnings] };
    expect((await renderIdCardFront(front)).equals(await renderIdCardFront(front))).toBe(true);
    expect((await renderIdCardFront(everything)).equals(await renderIdCardFront({ ...everything }))).toBe(true);
  });

  it('draws the name as Chinese text, different characters giving different glyphs', async () => {
    const withName = await decodeImage(await renderIdCardFront(front));
    const withoutName = await decodeImage(await renderIdCardFront({ ...front, name: '' }));
    const otherName = await decodeImage(await renderIdCardFront({ ...front, name: '李四海' }));
    expect(countDarkPixels(withoutName, nameArea)).toBe(0);
    expect(countDarkPixels(withName, nameArea)).toBeGreaterThan(300);
    // A missing glyph would draw the same box for every character.
    expect(meanDifference(withName, otherName, nameArea)).toBeGreaterThan(5);
  });

  it('prints the 18-character ID number', async () => {
    const image = await decodeImage(await renderIdCardFront(front));
    const other = await decodeImage(await renderIdCardFront({ ...front, idNumber: '440308199901101512' }));
    expect(countDarkPixels(image, numberArea)).toBeGreaterThan(1500);
    expect(meanDifference(image, other, numberArea)).toBeGreaterThan(5);
  });

  it('fits a long address by wrapping it onto the lines beside the 住址 label', async () => {
    const long = await decodeImage(
      await renderIdCardFront({ ...front, address: '新疆维吾尔自治区伊犁哈萨克自治州伊宁市解放西路人民巷二十七号院三号楼二单元一千一百零一室' }),
    );
    const thirdLine = { x: 160, y: 355, width: 370, height: 40 };
    expect(countDarkPixels(long, thirdLine)).toBeGreaterThan(200);
    const portraitEdge = { x: 540, y: 280, width: 12, height: 120 };
    expect(countDarkPixels(long, portraitEdge)).toBe(0);
  });

  it('refuses a birth date that is not YYYY-MM-DD', async () => {
    await expect(renderIdCardFront({ ...front, birthDate: '1990/3/7' })).rejects.toThrow(RangeError);
  });

  it('encodes JPEG on request', async () => {
    const jpeg = await renderIdCardFront(front, { format: 'jpeg' });
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
    const image = await decodeImage(jpeg);
    expect([image.width, image.height]).toEqual([856, 540]);
    expect(image.data[3]).toBe(255);
  });
});

describe('quality warnings on the card', () => {
  it('covers every OCR quality warning of the domain list', () => {
    expect([...cardQualityWarnings].sort()).toEqual([...ocrQualityWarnings].sort());
  });

  const visible = cardQualityWarnings.filter((warning) => warning !== 'invalid_validity');

  it.each(visible)('%s visibly changes the front and the back', async (warning) => {
    const plainFront = await decodeImage(await renderIdCardFront(front));
    const plainBack = await decodeImage(await renderIdCardBack(back));
    const warnedFront = await decodeImage(await renderIdCardFront({ ...front, warnings: [warning] }));
    const warnedBack = await decodeImage(await renderIdCardBack({ ...back, warnings: [warning] }));
    expect(meanDifference(plainFront, warnedFront)).toBeGreaterThan(0.5);
    expect(meanDifference(plainBack, warnedBack)).toBeGreaterThan(0.5);
  });

  it('draws nothing for invalid_validity or codes it does not know: the dates tell', async () => {
    const plain = await renderIdCardBack(back);
    expect((await renderIdCardBack({ ...back, warnings: ['invalid_validity'] })).equals(plain)).toBe(true);
    expect((await renderIdCardBack({ ...back, warnings: ['no_such_warning'] })).equals(plain)).toBe(true);
  });

  it('gives the same image whatever order the warnings come in', async () => {
    const one = await renderIdCardFront({ ...front, warnings: ['glare', 'covered', 'blur'] });
    const other = await renderIdCardFront({ ...front, warnings: ['blur', 'glare', 'covered'] });
    expect(one.equals(other)).toBe(true);
  });

  it('photocopy turns the card grey', async () => {
    const image = await decodeImage(await renderIdCardFront({ ...front, warnings: ['photocopy'] }));
    let coloured = 0;
    for (let index = 0; index < image.data.length; index += 4) {
      const red = image.data[index] ?? 0;
      const green = image.data[index + 1] ?? 0;
      const blue = image.data[index + 2] ?? 0;
      if (Math.max(red, green, blue) - Math.min(red, green, blue) > 6) coloured += 1;
    }
    expect(coloured).toBe(0);
  });

  it('covered puts something over a field the plain card shows', async () => {
    const plain = await decodeImage(await renderIdCardFront(front));
    const covered = await decodeImage(await renderIdCardFront({ ...front, warnings: ['covered'] }));
    const addressArea = { x: 160, y: 280, width: 370, height: 100 };
    const changed = Math.max(meanDifference(plain, covered, numberArea), meanDifference(plain, covered, addressArea));
    expect(changed).toBeGreaterThan(10);
  });

  it('incomplete_border pushes part of the card out of the frame onto a desk', async () => {
    const image = await decodeImage(await renderIdCardFront({ ...front, warnings: ['incomplete_border'] }));
    let transparent = 0;
    for (let index = 3; index < image.data.length; index += 4) if (image.data[index] === 0) transparent += 1;
    expect(transparent).toBe(0);
  });
});

describe('renderIdCardBack', () => {
  it('is an 856 x 540 PNG, deterministic', async () => {
    const png = await renderIdCardBack(back);
    expect(pngSize(png)).toEqual({ width: 856, height: 540 });
    expect(png.equals(await renderIdCardBack({ ...back }))).toBe(true);
  });

  it('prints the validity period, 长期 for a long-term card', async () => {
    const dated = await decodeImage(await renderIdCardBack(back));
    const longTerm = await decodeImage(await renderIdCardBack({ ...back, validTo: 'long-term' }));
    expect(countDarkPixels(dated, validityArea)).toBeGreaterThan(500);
    const toArea = { x: 470, y: 450, width: 170, height: 44 };
    expect(meanDifference(dated, longTerm, toArea)).toBeGreaterThan(5);
  });

  it('refuses a validity date that is not YYYY-MM-DD', async () => {
    await expect(renderIdCardBack({ ...back, validTo: '20350301' })).rejects.toThrow(RangeError);
  });
});
